package dev.tally.subscriptions;

import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.Comparator;

/**
 * A subscription's dead letters in DynamoDB, in the subscriber's own account: hash {@code Subscription}, range
 * {@code Position} ({@code shardId/sequenceNumber}), so that parking a record twice stores it once. The raw record is
 * kept as bytes ({@code Data}); a record is at most 1 MiB on Kinesis, far over DynamoDB's 400 KB item limit only
 * for records Tally never publishes (its events are a few hundred bytes), and such a record is parked without its
 * bytes, saying so.
 */
public final class DeadLetterTable {

    public static final String SUBSCRIPTION = "Subscription";
    public static final String POSITION = "Position";
    public static final String SHARD_ID = "ShardId";
    public static final String SEQUENCE_NUMBER = "SequenceNumber";
    public static final String PARTITION_KEY = "PartitionKey";
    public static final String DATA = "Data";
    public static final String KIND = "Kind";
    public static final String REASON = "Reason";
    public static final String ATTEMPTS = "Attempts";
    public static final String ARRIVED_AT = "ArrivedAt";
    public static final String PARKED_AT = "ParkedAt";
    public static final String REDRIVEN_AT = "RedrivenAt";
    /**
     * The {@code Subscription} key under which a subscription's redriven letters are kept:
     * {@code <subscription>#redriven}, in the same table, so that what was redriven stays on record.
     */
    public static final String REDRIVEN_SUFFIX = "#redriven";

    /** Kinesis sequence numbers are decimal strings of up to 128 digits: longer is later, then digit by digit. */
    static final Comparator<String> SEQUENCE_ORDER = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    private DeadLetterTable() {
    }

    /** The table a subscription's dead letters go to, unless told otherwise: {@code <subscription>-dead-letters}. */
    public static String nameFor(String subscription) {
        return subscription + "-dead-letters";
    }

    /** Creates the table if it is missing (on-demand billing); in AWS the subscriber's CDK stack creates it. */
    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(SUBSCRIPTION).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(POSITION).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(SUBSCRIPTION).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(POSITION).keyType(KeyType.RANGE).build())
                .build());
    }
}
