package dev.tally.eventstore;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreConformance {

    @Override
    protected IdempotencyStore newStore() {
        return new InMemoryIdempotencyStore();
    }
}
