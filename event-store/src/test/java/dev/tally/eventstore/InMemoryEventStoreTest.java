package dev.tally.eventstore;

import dev.tally.domain.SnapshotPolicy;

class InMemoryEventStoreTest extends EventStoreConformance {

    @Override
    protected EventStore newStore(SnapshotPolicy snapshots) {
        return new InMemoryEventStore();
    }
}
