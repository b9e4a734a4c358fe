package dev.tally.eventstore;

import org.junit.jupiter.api.extension.RegisterExtension;

class DynamoIdempotencyStoreTest extends IdempotencyStoreConformance {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    @Override
    protected IdempotencyStore newStore() {
        return new DynamoIdempotencyStore(DYNAMO.shared(), DYNAMO.newIdempotencyTable());
    }
}
