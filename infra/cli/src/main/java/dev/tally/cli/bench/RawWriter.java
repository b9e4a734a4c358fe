package dev.tally.cli.bench;

import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The raw baseline: the DynamoDB calls a credit costs (the event store's strongly consistent Query of the newest N
 * items, then its conditional PutItem), made by the event store itself straight against dynalite, into a table of
 * its own without a stream. No HTTP, no token, no handler, no proxy: what the API's rate is compared with.
 */
final class RawWriter {

    static final String TABLE = "bench-raw-events";

    private final DynamoEventStore store;
    private final Clock clock;
    private final Principal owner = new Principal("https://bench.invalid", "raw-writer");

    RawWriter(DynamoDbClient dynalite, SnapshotPolicy snapshots, Clock clock) {
        EventTable.create(dynalite, TABLE);
        this.store = new DynamoEventStore(dynalite, TABLE, snapshots);
        this.clock = clock;
    }

    /** Opens {@code count} accounts. */
    List<AccountId> open(int count) {
        var ids = new ArrayList<AccountId>();
        for (int i = 0; i < count; i++) {
            var id = new AccountId(UUID.randomUUID());
            var created = store.append(AccountDecider.initialState(id),
                    List.of(new AccountCreated(id, owner, "raw-" + i, clock.instant())), metadata());
            if (!(created instanceof AppendResult.Appended)) {
                throw new IllegalStateException("could not open a raw account: " + created);
            }
            ids.add(id);
        }
        return ids;
    }

    /**
     * One credit as the command service makes it without an idempotency key: load, append, and after a lost race
     * catch up and append again.
     *
     * @return how many appends it took (1 when nobody else wrote the account meanwhile)
     */
    int credit(AccountId id, long minor) {
        var state = store.load(id);
        for (int attempt = 1; ; attempt++) {
            var result = store.append(state, List.of(new BalanceCredited(id, Money.ofMinor(minor), clock.instant())), metadata());
            if (result instanceof AppendResult.Appended) {
                return attempt;
            }
            state = store.catchUp(state);
        }
    }

    /**
     * One serial writer on one account that starts each credit from the state its last append left, as a queued
     * command in the API does (the single-flight hand-off): one conditional PutItem per credit, a Query only at the
     * start and after a lost race.
     */
    final class Serial {
        private AccountState state;

        private Serial(AccountId id) {
            this.state = store.load(id);
        }

        /** @return how many appends it took */
        int credit(long minor) {
            for (int attempt = 1; ; attempt++) {
                var result = store.append(state, List.of(new BalanceCredited(state.accountId(), Money.ofMinor(minor),
                        clock.instant())), metadata());
                if (result instanceof AppendResult.Appended appended) {
                    state = appended.state();
                    return attempt;
                }
                state = store.catchUp(state);
            }
        }
    }

    Serial serial(AccountId id) {
        return new Serial(id);
    }

    private EventMetadata metadata() {
        return EventMetadata.of(owner, "bench-" + UUID.randomUUID(), Optional.empty());
    }
}
