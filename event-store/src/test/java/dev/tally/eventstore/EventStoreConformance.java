package dev.tally.eventstore;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link EventStore} must do. Each implementation extends this class and supplies a fresh, empty store
 * whose snapshot interval is {@link #SNAPSHOT_EVERY}.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
public abstract class EventStoreConformance {

    protected static final int SNAPSHOT_EVERY = 4;
    protected static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
    protected static final Principal OWNER = new Principal("https://id.example.com/", "owner");
    protected static final EventMetadata BY_OWNER = EventMetadata.of(OWNER, "req-1", Optional.empty());

    protected EventStore store;

    protected abstract EventStore newStore(SnapshotPolicy snapshots);

    @BeforeEach
    void freshStore() {
        store = newStore(new SnapshotPolicy(SNAPSHOT_EVERY));
    }

    protected static AccountId newAccount() {
        return new AccountId(UUID.randomUUID());
    }

    /** A valid history of {@code length} events: a creation, then credits of 1.00, 2.00, ... and every third a withdrawal of 0.50. */
    protected static List<AccountEvent> history(AccountId id, int length) {
        var events = new ArrayList<AccountEvent>();
        events.add(new AccountCreated(id, OWNER, "Savings", T0));
        for (int i = 1; i < length; i++) {
            var at = T0.plusSeconds(i);
            events.add(i % 3 == 0 ? new BalanceWithdrawn(id, Money.ofMinor(50), at)
                    : new BalanceCredited(id, Money.ofMinor(100L * i), at));
        }
        return events;
    }

    /** Appends the events one command at a time, as the command service does. */
    protected AccountState appendOneByOne(AccountId id, List<AccountEvent> events) {
        var state = store.load(id);
        for (var event : events) {
            var result = store.append(state, List.of(event), BY_OWNER);
            assertThat(result).isInstanceOf(AppendResult.Appended.class);
            state = ((AppendResult.Appended) result).state();
        }
        return state;
    }

    @Test
    void an_unknown_account_loads_as_its_initial_state_with_no_events() {
        var id = newAccount();

        assertThat(store.load(id)).isEqualTo(AccountDecider.initialState(id));
        assertThat(store.readEvents(id, 0, 10).events()).isEmpty();
        assertThat(store.readEvents(id, 0, 10).nextAfter()).isEmpty();
    }

    @Test
    void appended_events_load_back_as_the_folded_state() {
        var id = newAccount();
        var events = history(id, 3);

        var metadata = EventMetadata.of(new Principal("https://id.example.com/", "alice"), "req-7", Optional.of("key-1"));
        var appended = store.append(AccountDecider.initialState(id), events, metadata);

        var expected = AccountDecider.fold(AccountDecider.initialState(id), events);
        assertThat(appended).isEqualTo(new AppendResult.Appended(expected));
        assertThat(store.load(id)).isEqualTo(expected);
        assertThat(store.readEvents(id, 0, 10).events())
                .extracting(RecordedEvent::version, RecordedEvent::event, RecordedEvent::metadata)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, events.get(0), metadata),
                        org.assertj.core.groups.Tuple.tuple(2L, events.get(1), metadata),
                        org.assertj.core.groups.Tuple.tuple(3L, events.get(2), metadata));
    }

    @ParameterizedTest(name = "history of {0} events")
    @ValueSource(ints = {SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1, 2 * SNAPSHOT_EVERY, 2 * SNAPSHOT_EVERY + 1})
    void loading_across_snapshot_boundaries_equals_folding_from_scratch(int length) {
        var id = newAccount();
        var events = history(id, length);

        var written = appendOneByOne(id, events);

        var fromScratch = AccountDecider.fold(AccountDecider.initialState(id), events);
        assertThat(written).isEqualTo(fromScratch);
        assertThat(store.load(id)).isEqualTo(fromScratch);
    }

    @Test
    void each_recorded_event_carries_the_balance_after_it() {
        var id = newAccount();
        var events = history(id, 7);
        appendOneByOne(id, events);

        var state = AccountDecider.initialState(id);
        for (var recorded : store.readEvents(id, 0, 100).events()) {
            state = AccountDecider.evolve(state, recorded.event());
            assertThat(recorded.balanceAfter()).as("balance after version %d", recorded.version()).isEqualTo(state.balance());
        }
    }

    @Test
    void appending_at_a_stale_version_is_a_conflict_and_catching_up_gives_the_latest_state() {
        var id = newAccount();
        var stale = AccountDecider.initialState(id);
        var written = history(id, 3);
        appendOneByOne(id, written);

        var result = store.append(stale, List.of(new AccountCreated(id, OWNER, null, T0)), BY_OWNER);

        assertThat(result).isEqualTo(new AppendResult.Conflict(id, 0));
        assertThat(store.load(id).version()).isEqualTo(3);
        assertThat(store.catchUp(stale)).isEqualTo(store.load(id));
        var atTwo = AccountDecider.fold(stale, written.subList(0, 2));
        assertThat(store.catchUp(atTwo)).isEqualTo(store.load(id));
    }

    @Test
    void two_writers_at_the_same_version_exactly_one_wins() throws Exception {
        var id = newAccount();
        var base = appendOneByOne(id, history(id, 2));
        int writers = 16;
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(writers)) {
            var results = new ArrayList<Future<AppendResult>>();
            for (int i = 0; i < writers; i++) {
                var amount = Money.ofMinor(i + 1);
                results.add(pool.submit(() -> {
                    start.await();
                    return store.append(base, List.of(new BalanceCredited(id, amount, T0)), BY_OWNER);
                }));
            }
            start.countDown();
            var outcomes = new ArrayList<AppendResult>();
            for (var result : results) {
                outcomes.add(result.get());
            }
            assertThat(outcomes).filteredOn(AppendResult.Appended.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(AppendResult.Conflict.class::isInstance).hasSize(writers - 1)
                    .allSatisfy(c -> assertThat(c).isEqualTo(new AppendResult.Conflict(id, 2)));
        }
        var winner = store.readEvents(id, 2, 10).events();
        assertThat(winner).hasSize(1);
        assertThat(store.load(id)).isEqualTo(AccountDecider.evolve(base, winner.getFirst().event()));
    }

    @Test
    void history_pages_are_contiguous_and_the_last_page_has_no_cursor() {
        var id = newAccount();
        appendOneByOne(id, history(id, 25));

        var versions = new ArrayList<Long>();
        var cursors = new ArrayList<Long>();
        long after = 0;
        while (true) {
            var page = store.readEvents(id, after, 10);
            page.events().forEach(e -> versions.add(e.version()));
            if (page.nextAfter().isEmpty()) {
                break;
            }
            after = page.nextAfter().getAsLong();
            cursors.add(after);
        }

        assertThat(cursors).containsExactly(10L, 20L);
        assertThat(versions).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
    }

    @Test
    void a_page_that_ends_exactly_at_the_last_event_has_no_cursor() {
        var id = newAccount();
        appendOneByOne(id, history(id, 10));

        var page = store.readEvents(id, 0, 10);

        assertThat(page.events()).hasSize(10);
        assertThat(page.nextAfter()).isEmpty();
        assertThat(store.readEvents(id, 10, 10).events()).isEmpty();
    }

    @Test
    void an_owner_lists_exactly_the_accounts_they_opened_page_by_page() {
        var alice = new Principal("https://id.example.com/", "alice-" + UUID.randomUUID());
        var sameSubjectElsewhere = new Principal("https://other.example.com/", alice.subject());
        var opened = new ArrayList<AccountId>();
        for (int i = 0; i < 5; i++) {
            var id = newAccount();
            store.append(AccountDecider.initialState(id), List.of(new AccountCreated(id, alice, "acct " + i, T0.plusSeconds(i))),
                    EventMetadata.of(alice, "req-" + i, Optional.empty()));
            opened.add(id);
        }
        var other = newAccount();
        store.append(AccountDecider.initialState(other), List.of(new AccountCreated(other, sameSubjectElsewhere, null, T0)),
                EventMetadata.of(sameSubjectElsewhere, "req-x", Optional.empty()));
        appendOneByOne(opened.getFirst(), List.of(new BalanceCredited(opened.getFirst(), Money.ofMinor(100), T0)));

        var listed = new ArrayList<OwnedAccounts.Account>();
        var cursors = new ArrayList<AccountId>();
        Optional<AccountId> after = Optional.empty();
        do {
            var page = store.accountsOwnedBy(alice, after, 2);
            listed.addAll(page.accounts());
            after = page.next();
            after.ifPresent(cursors::add);
        } while (after.isPresent());

        var sorted = opened.stream().sorted(java.util.Comparator.comparing(AccountId::toString)).toList();
        assertThat(listed).extracting(OwnedAccounts.Account::accountId).containsExactlyElementsOf(sorted);
        assertThat(cursors).hasSize(2);
        assertThat(listed).allSatisfy(a -> assertThat(a.displayName()).startsWith("acct "));
        assertThat(listed.stream().filter(a -> a.accountId().equals(opened.getFirst())).findFirst().orElseThrow())
                .isEqualTo(new OwnedAccounts.Account(opened.getFirst(), "acct 0", T0));
        assertThat(store.accountsOwnedBy(sameSubjectElsewhere, Optional.empty(), 10).accounts())
                .extracting(OwnedAccounts.Account::accountId).containsExactly(other);
        assertThat(store.accountsOwnedBy(new Principal("https://id.example.com/", "nobody"), Optional.empty(), 10).accounts())
                .isEmpty();
    }
}
