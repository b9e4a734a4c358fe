package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The events table: one item per event, keyed by account ({@code Id}) and version ({@code Version}).
 * These names are shared by the store, the stream translator and the CDK app; the item layout is documented in
 * event-store/README.md. Renaming an attribute is a data migration.
 */
public final class EventTable {

    public static final String DEFAULT_NAME = "events";

    public static final String ID = "Id";
    public static final String VERSION = "Version";
    /** Marks event items ({@value #EVENT_KIND}); readers skip items of other kinds. */
    public static final String KIND = "Kind";
    public static final String EVENT_KIND = "Event";
    public static final String TYPE = "Type";
    public static final String SCHEMA_VERSION = "SchemaVersion";
    public static final String OCCURRED_AT = "OccurredAt";
    public static final String OWNER = "Owner";
    public static final String AMOUNT_MINOR = "AmountMinor";
    public static final String BALANCE_AFTER_MINOR = "BalanceAfterMinor";
    public static final String IDEMPOTENCY_KEY = "IdempotencyKey";
    /** A map holding the state after this event, on every Nth version. */
    public static final String SNAPSHOT = "Snapshot";

    private EventTable() {
    }

    /**
     * Creates the table (on-demand billing, a stream of new images for the stream translator) and waits until it
     * is active; does nothing if it exists.
     */
    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE))
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(ID).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(VERSION).attributeType(ScalarAttributeType.N).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(ID).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(VERSION).keyType(KeyType.RANGE).build())
                .build());
    }
}
