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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

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
