package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Table creation for the local stack and tests; in AWS the CDK app creates the tables. */
public final class DynamoTables {

    private DynamoTables() {
    }

    /** Creates the table and waits until it is active; does nothing if it exists. */
    public static void createIfMissing(DynamoDbClient dynamo, CreateTableRequest request) {
        try {
            dynamo.createTable(request);
        } catch (ResourceInUseException exists) {
            // already there: creating is idempotent
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(request.tableName()));
    }
}
