package dev.tally.projections;

import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A balances read-model table: one item per account. Which physical table readers use is recorded in the
 * {@link ProjectionCatalog}, so that a rebuild can fill a new table and switch readers to it.
 */
public final class BalancesTable {

    /** The first physical table; rebuilds create {@code balances-<timestamp>}. */
    public static final String INITIAL_NAME = "balances";

    public static final String ACCOUNT_ID = "AccountId";
    public static final String BALANCE_MINOR = "BalanceMinor";
    public static final String VERSION = "Version";
    public static final String LAST_EVENT_ID = "LastEventId";
    /** When the last applied event happened (its occurredAt). */
    public static final String UPDATED_AT = "UpdatedAt";
    /** When the projection applied it. */
    public static final String PROJECTED_AT = "ProjectedAt";

    private BalancesTable() {
    }

    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(ACCOUNT_ID).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(ACCOUNT_ID).keyType(KeyType.HASH).build())
                .build());
    }
}
