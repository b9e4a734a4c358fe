package dev.tally.eventstore;

import dev.tally.domain.SnapshotPolicy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event store's settings, shared by every deployable that reads or writes the events table (the accounts API,
 * the balances read API, the projection worker, the CLI), and by the CDK app that sets them. Readers and writers
 * must agree on the snapshot interval: a reader that loads the newest N items finds no snapshot if the writer put
 * one only every M &gt; N versions, and then replays the whole history.
 *
 * @param eventsTable      {@value #EVENTS_TABLE}, default {@value EventTable#DEFAULT_NAME}
 * @param idempotencyTable {@value #IDEMPOTENCY_TABLE}, default {@value IdempotencyTable#DEFAULT_NAME}
 * @param snapshots        {@value #SNAPSHOT_EVERY}, default {@value SnapshotPolicy#DEFAULT_EVERY}
 */
public record EventStoreSettings(String eventsTable, String idempotencyTable, SnapshotPolicy snapshots) {

    public static final String EVENTS_TABLE = "TALLY_EVENTS_TABLE";
    public static final String IDEMPOTENCY_TABLE = "TALLY_IDEMPOTENCY_TABLE";
    public static final String SNAPSHOT_EVERY = "TALLY_SNAPSHOT_EVERY";

    public static EventStoreSettings defaults() {
        return new EventStoreSettings(EventTable.DEFAULT_NAME, IdempotencyTable.DEFAULT_NAME, SnapshotPolicy.defaults());
    }

    /** @throws IllegalArgumentException naming the variable and its value when the interval is not 1 to 1000 */
    public static EventStoreSettings fromEnvironment(Map<String, String> env) {
        var every = env.getOrDefault(SNAPSHOT_EVERY, Integer.toString(SnapshotPolicy.DEFAULT_EVERY));
        SnapshotPolicy snapshots;
        try {
            snapshots = new SnapshotPolicy(Integer.parseInt(every.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SNAPSHOT_EVERY + " must be a whole number from 1 to " + SnapshotPolicy.MAX_EVERY
                    + ", was \"" + every + "\"", e);
        }
        return new EventStoreSettings(env.getOrDefault(EVENTS_TABLE, EventTable.DEFAULT_NAME),
                env.getOrDefault(IDEMPOTENCY_TABLE, IdempotencyTable.DEFAULT_NAME), snapshots);
    }

    public EventStoreSettings withSnapshotEvery(int every) {
        return new EventStoreSettings(eventsTable, idempotencyTable, new SnapshotPolicy(every));
    }

    /** The variables that give these settings to a process or a function. */
    public Map<String, String> toEnvironment() {
        var env = new LinkedHashMap<String, String>();
        env.put(EVENTS_TABLE, eventsTable);
        env.put(IDEMPOTENCY_TABLE, idempotencyTable);
        env.put(SNAPSHOT_EVERY, Integer.toString(snapshots.every()));
        return env;
    }
}
