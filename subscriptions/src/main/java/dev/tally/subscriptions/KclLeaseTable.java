package dev.tally.subscriptions;

import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The KCL 3 lease table, created up front: KCL 3 needs the {@code LeaseOwnerToLeaseKeyIndex} GSI, which dynalite
 * cannot add to an existing table, and creating it ahead (here and in the CDK app) also spares the consumer the
 * permission to create tables.
 */
public final class KclLeaseTable {

    public static final String LEASE_KEY = "leaseKey";
    public static final String LEASE_OWNER = "leaseOwner";
    /** Where KCL keeps a lease's checkpoint: a sequence number, or a sentinel such as {@code SHARD_END}. */
    public static final String CHECKPOINT = "checkpoint";
    /** The checkpoint of a shard read to its end. */
    public static final String SHARD_END = "SHARD_END";
    public static final String OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";

    private KclLeaseTable() {
    }

    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(LEASE_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(LEASE_OWNER).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(LEASE_KEY).keyType(KeyType.HASH).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(OWNER_INDEX)
                        .keySchema(
                                KeySchemaElement.builder().attributeName(LEASE_OWNER).keyType(KeyType.HASH).build(),
                                KeySchemaElement.builder().attributeName(LEASE_KEY).keyType(KeyType.RANGE).build())
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .build())
                .build());
    }
}
