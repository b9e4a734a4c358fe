package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The idempotency table: one item per claimed key. {@value #EXPIRES_AT} (epoch seconds) is the table's TTL
 * attribute in AWS (set by the CDK app; dynalite has no TTL, so expired claims are also overwritten on claim).
 */
public final class IdempotencyTable {

    public static final String DEFAULT_NAME = "idempotency";

    public static final String KEY = "Key";
    public static final String FINGERPRINT = "Fingerprint";
    public static final String ACCOUNT_ID = "AccountId";
    public static final String FROM_VERSION = "FromVersion";
    public static final String CREATED_AT = "CreatedAt";
    public static final String EXPIRES_AT = "ExpiresAt";
    public static final String OUTCOME = "Outcome";
    public static final String OUTCOME_VERSION = "OutcomeVersion";
    public static final String OUTCOME_BALANCE_MINOR = "OutcomeBalanceMinor";
    public static final String REJECTION_REASON = "RejectionReason";
    public static final String REJECTION_MESSAGE = "RejectionMessage";

    private IdempotencyTable() {
    }

    /** Creates the table (on-demand billing) and waits until it is active; does nothing if it exists. */
    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
                .build());
    }
}
