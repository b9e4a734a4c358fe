package dev.tally.subscriptions;

import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A subscription's positions in DynamoDB: hash {@code AccountId}; {@code Version} N; {@code HeldBehind} S and
 * {@code HeldVersion} N while the account is held behind a parked event.
 */
public final class PositionTable {

    public static final String ACCOUNT_ID = "AccountId";
    public static final String VERSION = "Version";
    public static final String HELD_BEHIND = "HeldBehind";
    /**
     * The held event's version, as {@code "<HeldBehind> <version>"} (S): trusted only beside the same
     * {@code HeldBehind}, so a hold written by code that kept no version is not read with a stale one.
     */
    public static final String HELD_VERSION = "HeldVersion";

    private PositionTable() {
    }

    /** The table a subscription's positions go to, unless told otherwise: {@code <subscription>-positions}. */
    public static String nameFor(String subscription) {
        return subscription + "-positions";
    }

    /** Creates the table if it is missing (on-demand billing); in AWS the subscriber's stack creates it. */
    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(ACCOUNT_ID)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(ACCOUNT_ID).keyType(KeyType.HASH).build())
                .build());
    }
}
