package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
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
    /** Schema version 1's AccountCreated: the display name given at creation. Read, never written. */
    public static final String OWNER_V1 = "Owner";
    /** AccountCreated from schema version 2: who opened the account, as issuer and subject. */
    public static final String OWNER_ISSUER = "OwnerIssuer";
    public static final String OWNER_SUBJECT = "OwnerSubject";
    /**
     * AccountCreated from schema version 2: the owner as one string ({@code Principal.key()}), the hash key of
     * {@link #OWNER_INDEX}. Only creation items carry it, so the index holds one entry per account (a sparse index).
     */
    public static final String OWNER_KEY = "OwnerKey";
    /** AccountCreated from schema version 2: the optional display name. */
    public static final String DISPLAY_NAME = "DisplayName";
    /** Every event from schema version 2: who caused it, and the API request it came from. */
    public static final String ACTOR_ISSUER = "ActorIssuer";
    public static final String ACTOR_SUBJECT = "ActorSubject";
    public static final String REQUEST_ID = "RequestId";
    /** Every event from schema version 3: the correlation id of the request it came from. */
    public static final String CORRELATION_ID = "CorrelationId";
    public static final String AMOUNT_MINOR = "AmountMinor";
    public static final String BALANCE_AFTER_MINOR = "BalanceAfterMinor";
    public static final String IDEMPOTENCY_KEY = "IdempotencyKey";
    /** A map holding the state after this event, on every Nth version. */
    public static final String SNAPSHOT = "Snapshot";

    /**
     * The owners' index: hash {@link #OWNER_KEY}, range {@link #ID}, projecting the display name and the opening time,
     * so that listing one's accounts is a Query of this index, never a scan of the table.
     */
    public static final String OWNER_INDEX = "ByOwner";
    /** The attributes {@link #OWNER_INDEX} projects besides the keys. */
    public static final java.util.List<String> OWNER_INDEX_ATTRIBUTES = java.util.List.of(DISPLAY_NAME, OCCURRED_AT);

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
                        AttributeDefinition.builder().attributeName(VERSION).attributeType(ScalarAttributeType.N).build(),
                        AttributeDefinition.builder().attributeName(OWNER_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(ID).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(VERSION).keyType(KeyType.RANGE).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(OWNER_INDEX)
                        .keySchema(
                                KeySchemaElement.builder().attributeName(OWNER_KEY).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(ID).keyType(KeyType.RANGE).build())
                        .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes(OWNER_INDEX_ATTRIBUTES).build())
                        .build())
                .build());
    }
}
