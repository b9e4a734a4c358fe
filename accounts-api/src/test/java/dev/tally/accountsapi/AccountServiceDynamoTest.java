package dev.tally.accountsapi;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.Rejection;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.DynamoIdempotencyStore;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.IdempotencyRecord;
import dev.tally.eventstore.IdempotencyStore;
import dev.tally.eventstore.LocalDynamo;
import dev.tally.eventstore.OwnedAccounts;
import dev.tally.eventstore.RecordedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command service on a real dynalite: races, retries and crashes at every step of an idempotent command. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class AccountServiceDynamoTest {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    private static final Principal ALICE = new Principal("https://id.example.com/", "alice");
    private static final Principal BOB = new Principal("https://id.example.com/", "bob");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private EventStore events;
    private IdempotencyStore idempotency;
    private AccountService service;

    @BeforeEach
    void freshTables() {
        events = new DynamoEventStore(DYNAMO.shared(), DYNAMO.newEventTable(), SnapshotPolicy.defaults());
        idempotency = new DynamoIdempotencyStore(DYNAMO.shared(), DYNAMO.newIdempotencyTable());
        service = serviceOver(events, idempotency);
    }

    private AccountService serviceOver(EventStore eventStore, IdempotencyStore idempotencyStore) {
        return new AccountService(eventStore, idempotencyStore, clock, UUID::randomUUID, AccountService.CONFLICT_RETRIES);
    }

    private AccountId open(String balance) {
        var created = (CommandResult.Applied) service.execute(CommandContext.of(ALICE, "req-1"), new AccountRequest.Create("Test"), Optional.empty());
        service.execute(CommandContext.of(ALICE, "req-1"), new AccountRequest.Credit(created.accountId(), Money.parseAmount(balance)), Optional.empty());
        return created.accountId();
    }

    private List<RecordedEvent> history(AccountId id) {
        return events.readEvents(id, 0, 1000).events();
    }

    @Test
    void sixty_four_concurrent_withdrawals_of_one_against_fifty_never_overdraw() throws Exception {
        var id = open("50.00");
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<CommandResult>>();
        try (var pool = Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return service.execute(CommandContext.of(ALICE, "req-1"), new AccountRequest.Withdraw(id, Money.parseAmount("1.00")),
                            Optional.empty());
                }));
            }
            start.countDown();
            var outcomes = new ArrayList<CommandResult>();
            for (var result : results) {
                outcomes.add(result.get());
            }
            assertThat(outcomes).filteredOn(CommandResult.Applied.class::isInstance).hasSize(50);
            assertThat(outcomes).filteredOn(CommandResult.Refused.class::isInstance).hasSize(14)
                    .allSatisfy(r -> assertThat(((CommandResult.Refused) r).rejection().reason())
                            .isEqualTo(Rejection.Reason.INSUFFICIENT_FUNDS));
        }
        assertThat(service.get(id).balance()).isEqualTo(Money.ZERO);
        assertThat(history(id)).extracting(RecordedEvent::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 52).boxed().toList());
    }

    @Test
    void a_crash_after_the_event_is_written_but_before_the_outcome_is_recorded_applies_once() {
        var id = open("10.00");
        var crashing = serviceOver(events, new CrashOnComplete(idempotency));
        var request = new AccountRequest.Withdraw(id, Money.parseAmount("4.00"));

        assertThatThrownBy(() -> crashing.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k1")))
                .isInstanceOf(Crash.class);
        clock.advance(AccountService.IN_FLIGHT);
        var retried = service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k1"));
        var again = service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k1"));

        assertThat(retried).isEqualTo(new CommandResult.Applied(id, Money.parseAmount("6.00"), 3, true));
        assertThat(again).isEqualTo(retried);
        assertThat(history(id)).hasSize(3);
    }

    @Test
    void a_crash_after_the_claim_but_before_the_event_is_written_applies_once_on_retry() {
        var id = open("10.00");
        var crashing = serviceOver(new CrashOnAppend(events), idempotency);
        var request = new AccountRequest.Credit(id, Money.parseAmount("5.00"));

        assertThatThrownBy(() -> crashing.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k2")))
                .isInstanceOf(Crash.class);
        assertThat(history(id)).hasSize(2);
        clock.advance(AccountService.IN_FLIGHT);
        var retried = service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k2"));

        assertThat(retried).isEqualTo(new CommandResult.Applied(id, Money.parseAmount("15.00"), 3, false));
        assertThat(history(id)).hasSize(3);
    }

    @Test
    void a_retry_while_the_first_request_may_still_be_running_is_told_to_wait() {
        var id = open("10.00");
        var crashing = serviceOver(new CrashOnAppend(events), idempotency);
        var request = new AccountRequest.Credit(id, Money.parseAmount("5.00"));
        assertThatThrownBy(() -> crashing.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k3")))
                .isInstanceOf(Crash.class);

        var tooSoon = service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("k3"));

        assertThat(tooSoon).isInstanceOf(CommandResult.InProgress.class);
        assertThat(history(id)).hasSize(2);
    }

    @Test
    void a_crashed_account_creation_is_finished_under_the_id_it_first_chose() {
        var crashing = serviceOver(new CrashOnAppend(events), idempotency);
        var request = new AccountRequest.Create("Ada");
        assertThatThrownBy(() -> crashing.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("open-1")))
                .isInstanceOf(Crash.class);
        clock.advance(AccountService.IN_FLIGHT);

        var first = (CommandResult.Applied) service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("open-1"));
        var second = service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("open-1"));

        assertThat(second).isEqualTo(new CommandResult.Applied(first.accountId(), Money.ZERO, 1, true));
        assertThat(history(first.accountId())).hasSize(1);
    }

    @Test
    void concurrent_duplicates_of_one_request_write_one_event() throws Exception {
        var id = open("100.00");
        // The first attempt crashed, so every duplicate below is allowed to take the work over at once.
        var request = new AccountRequest.Withdraw(id, Money.parseAmount("1.00"));
        assertThatThrownBy(() -> serviceOver(new CrashOnAppend(events), idempotency)
                .execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("dup"))).isInstanceOf(Crash.class);
        clock.advance(AccountService.IN_FLIGHT);
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<CommandResult>>();
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return service.execute(CommandContext.of(ALICE, "req-1"), request, Optional.of("dup"));
                }));
            }
            start.countDown();
            for (var result : results) {
                assertThat(result.get()).isInstanceOfSatisfying(CommandResult.Applied.class, applied -> {
                    assertThat(applied.version()).isEqualTo(3);
                    assertThat(applied.balance()).isEqualTo(Money.parseAmount("99.00"));
                });
            }
        }
        assertThat(history(id)).hasSize(3);
    }

    /** The process "dies" right after a step: the exception stands in for the lost process. */
    static final class Crash extends RuntimeException {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    private record CrashOnComplete(IdempotencyStore delegate) implements IdempotencyStore {
        @Override
        public Optional<IdempotencyRecord> claim(IdempotencyRecord fresh, Instant now) {
            return delegate.claim(fresh, now);
        }

        @Override
        public void complete(String key, IdempotencyRecord.Outcome outcome) {
            throw new Crash("before recording the outcome");
        }
    }

    private static final class CrashOnAppend extends ForwardingEventStore {
        CrashOnAppend(EventStore delegate) {
            super(delegate);
        }

        @Override
        public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
            throw new Crash("before writing the event");
        }
    }

    @Test
    void the_initial_state_is_what_an_unknown_account_loads_as() {
        var id = new AccountId(UUID.randomUUID());
        assertThat(service.get(id)).isEqualTo(AccountDecider.initialState(id));
    }

    @Test
    void every_event_records_who_caused_it_and_in_which_request() {
        var id = open("10.00");
        service.execute(CommandContext.of(ALICE, "req-withdraw"), new AccountRequest.Withdraw(id, Money.parseAmount("2.50")), Optional.of("w1"));

        assertThat(history(id)).extracting(RecordedEvent::metadata).containsExactly(
                EventMetadata.of(ALICE, "req-1", Optional.empty()),
                EventMetadata.of(ALICE, "req-1", Optional.empty()),
                EventMetadata.of(ALICE, "req-withdraw", Optional.of(dev.tally.eventstore.IdempotencyKeys.scoped(ALICE, "w1"))));
        assertThat(history(id).getFirst().event()).isEqualTo(
                new AccountEvent.AccountCreated(id, ALICE, "Test", Instant.parse("2026-11-26T10:00:00Z")));
    }

    @Test
    void someone_elses_money_movement_is_refused_as_an_unknown_account_and_writes_nothing_not_even_a_claim() {
        var id = open("10.00");
        var claims = new java.util.concurrent.atomic.AtomicInteger();
        var counting = serviceOver(events, new IdempotencyStore() {
            @Override
            public Optional<IdempotencyRecord> claim(IdempotencyRecord fresh, Instant now) {
                claims.incrementAndGet();
                return idempotency.claim(fresh, now);
            }

            @Override
            public void complete(String key, IdempotencyRecord.Outcome outcome) {
                idempotency.complete(key, outcome);
            }
        });

        var result = counting.execute(CommandContext.of(BOB, "req-bob"), new AccountRequest.Withdraw(id, Money.parseAmount("1.00")), Optional.of("b1"));

        assertThat(result).isEqualTo(new CommandResult.Refused(id,
                new Rejection(Rejection.Reason.ACCOUNT_NOT_FOUND, "account " + id + " does not exist")));
        assertThat(claims).hasValue(0);
        assertThat(history(id)).hasSize(2);
    }

    @Test
    void the_same_idempotency_key_from_two_issuers_is_two_commands() {
        var id = open("10.00");
        var sameSubjectElsewhere = new Principal("https://other.example.com/", ALICE.subject());
        var theirs = ((CommandResult.Applied) service.execute(CommandContext.of(sameSubjectElsewhere, "req-2"), new AccountRequest.Create(null),
                Optional.of("same"))).accountId();

        var mine = service.execute(CommandContext.of(ALICE, "req-3"), new AccountRequest.Credit(id, Money.parseAmount("1.00")), Optional.of("same"));

        assertThat(mine).isInstanceOfSatisfying(CommandResult.Applied.class, a -> assertThat(a.replayed()).isFalse());
        assertThat(service.accountsOf(sameSubjectElsewhere, Optional.empty(), 10).accounts())
                .extracting(OwnedAccounts.Account::accountId).containsExactly(theirs);
    }
}
