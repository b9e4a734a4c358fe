package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Table creation for the local stack and tests; in AWS the CDK app creates the tables. */
public final class DynamoTables {

    private DynamoTables() {
    }

    /**
     * Creates the table and waits until it is active; does nothing if it exists. It looks before it creates, so
     * where the tables exist already (AWS, where the CDK app creates them) it needs only
     * {@code dynamodb:DescribeTable}, not {@code dynamodb:CreateTable}.
     */
    public static void createIfMissing(DynamoDbClient dynamo, CreateTableRequest request) {
        try {
            dynamo.describeTable(b -> b.tableName(request.tableName()));
        } catch (ResourceNotFoundException missing) {
            try {
                dynamo.createTable(request);
            } catch (ResourceInUseException exists) {
                // created meanwhile by another process: creating is idempotent
            }
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(request.tableName()));
    }
}
