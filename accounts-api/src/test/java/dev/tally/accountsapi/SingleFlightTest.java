package dev.tally.accountsapi;

import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountState;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.InMemoryEventStore;
import dev.tally.eventstore.InMemoryIdempotencyStore;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayNameGeneration(ReplaceUnderscores.class)
class SingleFlightTest {

    private static final Principal ALICE = new Principal("https://id.example.com/", "alice");
    private static final int WRITERS = 32;

    @Test
    void queued_commands_on_one_account_never_race() throws Exception {
        var store = new CountingStore(new InMemoryEventStore());

        var balance = credit(store, SingleFlight.perAccount());

        assertThat(balance.version()).isEqualTo(1 + WRITERS);
        assertThat(store.conflicts.get()).as("lost races").isZero();
    }

    @Test
    void without_it_the_optimistic_lock_alone_applies_every_credit_once() throws Exception {
        var store = new CountingStore(new InMemoryEventStore());

        var balance = credit(store, SingleFlight.NONE);

        assertThat(balance.version()).as("every credit applied once").isEqualTo(1 + WRITERS);
        assertThat(balance.balance()).isEqualTo(Money.ofMinor(WRITERS * 100L));
    }

    @Test
    void a_command_queued_behind_another_starts_from_the_state_it_left_and_catches_up_if_another_process_wrote() throws Exception {
        var store = new QueuedBehindStore(new InMemoryEventStore());
        var service = service(store);
        var id = open(service);
        // while the first credit holds the account, another process credits it too: the state handed on is stale
        store.arm(() -> otherProcess(store, new AccountEvent.BalanceCredited(id, Money.ofMinor(1_000), Instant.now())));

        var results = firstThenQueued(store, () -> service.execute(CommandContext.of(ALICE, "a"),
                        new AccountRequest.Credit(id, Money.ofMinor(100)), Optional.empty()),
                () -> service.execute(CommandContext.of(ALICE, "b"),
                        new AccountRequest.Credit(id, Money.ofMinor(100)), Optional.empty()));

        assertThat(results.get(0)).isEqualTo(new CommandResult.Applied(id, Money.ofMinor(100), 2, false));
        assertThat(results.get(1)).isEqualTo(new CommandResult.Applied(id, Money.ofMinor(1_200), 4, false));
        assertThat(store.loads.get()).as("only the first command read the account; the second caught up").isEqualTo(1);
        assertThat(store.conflicts.get()).as("the stale hand-off lost one race").isEqualTo(1);
    }

    @Test
    void a_command_with_an_idempotency_key_started_from_a_handed_state_is_applied_once_and_replayed() throws Exception {
        var store = new QueuedBehindStore(new InMemoryEventStore());
        var service = service(store);
        var id = open(service);
        store.arm(() -> otherProcess(store, new AccountEvent.BalanceCredited(id, Money.ofMinor(1_000), Instant.now())));
        var keyed = new AccountRequest.Credit(id, Money.ofMinor(100));

        var results = firstThenQueued(store, () -> service.execute(CommandContext.of(ALICE, "a"),
                        new AccountRequest.Credit(id, Money.ofMinor(100)), Optional.empty()),
                () -> service.execute(CommandContext.of(ALICE, "b"), keyed, Optional.of("key-b")));
        var replayed = service.execute(CommandContext.of(ALICE, "b-again"), keyed, Optional.of("key-b"));

        assertThat(results.get(1)).isEqualTo(new CommandResult.Applied(id, Money.ofMinor(1_200), 4, false));
        assertThat(replayed).isEqualTo(new CommandResult.Applied(id, Money.ofMinor(1_200), 4, true));
        assertThat(store.delegate().load(id).version()).as("applied once").isEqualTo(4);
        assertThat(store.conflicts.get()).as("it started from the stale handed state and lost one race").isEqualTo(1);
    }

    @Test
    void a_refusal_decided_on_a_handed_state_is_checked_against_a_fresh_read() throws Exception {
        var store = new QueuedBehindStore(new InMemoryEventStore());
        var service = service(store);
        var id = open(service);
        service.execute(CommandContext.of(ALICE, "seed"), new AccountRequest.Credit(id, Money.ofMinor(100)), Optional.empty());
        // the first command empties the account; another process credits it before the second withdraws
        store.arm(() -> otherProcess(store, new AccountEvent.BalanceCredited(id, Money.ofMinor(100), Instant.now())));

        var results = firstThenQueued(store, () -> service.execute(CommandContext.of(ALICE, "a"),
                        new AccountRequest.Withdraw(id, Money.ofMinor(100)), Optional.empty()),
                () -> service.execute(CommandContext.of(ALICE, "b"),
                        new AccountRequest.Withdraw(id, Money.ofMinor(50)), Optional.empty()));

        assertThat(results.get(0)).isEqualTo(new CommandResult.Applied(id, Money.ofMinor(0), 3, false));
        assertThat(results.get(1)).as("not refused for the handed balance of 0")
                .isEqualTo(new CommandResult.Applied(id, Money.ofMinor(50), 5, false));
    }

    private static AccountService service(EventStore store) {
        return new AccountService(store, new InMemoryIdempotencyStore(), Clock.systemUTC(), UUID::randomUUID,
                AccountService.CONFLICT_RETRIES, SingleFlight.perAccount());
    }

    private static dev.tally.domain.AccountId open(AccountService service) {
        return ((CommandResult.Applied) service.execute(CommandContext.of(ALICE, "open"),
                new AccountRequest.Create("hot"), Optional.empty())).accountId();
    }

    /** A write by another process: straight to the store, past this process's queue. */
    private static void otherProcess(QueuedBehindStore store, AccountEvent event) {
        var current = store.delegate().load(event.accountId());
        assertThat(store.delegate().append(current, List.of(event), EventMetadata.of(ALICE, "other", Optional.empty())))
                .isInstanceOf(AppendResult.Appended.class);
    }

    /** Runs {@code first}, and {@code second} once the first holds the account, so that it queues behind it. */
    private static List<CommandResult> firstThenQueued(QueuedBehindStore store, Callable<CommandResult> first,
                                                       Callable<CommandResult> second) throws Exception {
        try (var pool = Executors.newFixedThreadPool(2)) {
            var a = pool.submit(first);
            assertThat(store.armedAppendStarted.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the first command reached its append").isTrue();
            var b = pool.submit(() -> {
                store.queued = Thread.currentThread();
                return second.call();
            });
            return List.of(a.get(), b.get());
        }
    }

    private static AccountState credit(EventStore store, SingleFlight singleFlight) throws Exception {
        var service = new AccountService(store, new InMemoryIdempotencyStore(), Clock.systemUTC(), UUID::randomUUID,
                AccountService.CONFLICT_RETRIES, singleFlight);
        var opened = (CommandResult.Applied) service.execute(CommandContext.of(ALICE, "open"),
                new AccountRequest.Create("hot"), Optional.empty());
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(WRITERS)) {
            var results = new ArrayList<Future<CommandResult>>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return service.execute(CommandContext.of(ALICE, "credit-" + n),
                            new AccountRequest.Credit(opened.accountId(), Money.ofMinor(100)), Optional.empty());
                }));
            }
            start.countDown();
            for (var result : results) {
                assertThat(result.get()).isInstanceOf(CommandResult.Applied.class);
            }
        }
        return store.load(opened.accountId());
    }

    /**
     * Once armed: the next append, after it succeeds, waits until the thread in {@link #queued} is waiting for the
     * account's turn, then lets another process write. Counts the loads from then on, and the lost races.
     */
    private static final class QueuedBehindStore extends ForwardingEventStore {
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger conflicts = new AtomicInteger();
        final CountDownLatch armedAppendStarted = new CountDownLatch(1);
        volatile Thread queued;
        private volatile Runnable otherProcess;

        QueuedBehindStore(EventStore delegate) {
            super(delegate);
        }

        EventStore delegate() {
            return delegate;
        }

        void arm(Runnable otherProcess) {
            loads.set(0);
            this.otherProcess = otherProcess;
        }

        @Override
        public AccountState load(dev.tally.domain.AccountId accountId) {
            loads.incrementAndGet();
            return delegate.load(accountId);
        }

        @Override
        public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
            var result = delegate.append(current, events, metadata);
            if (result instanceof AppendResult.Conflict) {
                conflicts.incrementAndGet();
            }
            var armed = otherProcess;
            if (armed != null && result instanceof AppendResult.Appended) {
                otherProcess = null;
                armedAppendStarted.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> queued != null
                        && (queued.getState() == Thread.State.WAITING || queued.getState() == Thread.State.TIMED_WAITING));
                armed.run();
            }
            return result;
        }
    }

    /** Counts the lost races; a yield before each append widens the window in which others could race. */
    private static final class CountingStore extends ForwardingEventStore {
        final AtomicInteger conflicts = new AtomicInteger();

        CountingStore(EventStore delegate) {
            super(delegate);
        }

        @Override
        public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
            Thread.yield();
            var result = delegate.append(current, events, metadata);
            if (result instanceof AppendResult.Conflict) {
                conflicts.incrementAndGet();
            }
            return result;
        }
    }
}
