package dev.tally.projections;

import dev.tally.domain.AccountId;
import dev.tally.domain.Principal;
import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.Map;
import java.util.Optional;

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
    /**
     * Who opened the account, from its AccountCreated event: kept on the row so that {@code GET /balances/{id}}
     * answers only the owner without reading the write side. Absent for accounts opened before owners were recorded.
     */
    public static final String OWNER_ISSUER = "OwnerIssuer";
    public static final String OWNER_SUBJECT = "OwnerSubject";

    /**
     * One account's row of the read model: its balance as of {@code version}, and when that was.
     *
     * @param owner who opened the account, or null for an account opened before owners were recorded
     */
    public record Row(String accountId, long balanceMinor, long version, String lastEventId, String updatedAt,
                      String projectedAt, Principal owner) {
    }

    private BalancesTable() {
    }

    /** The account's row in {@code tableName} (eventually consistent), or empty until the projection reaches it. */
    public static Optional<Row> get(DynamoDbClient dynamo, String tableName, AccountId accountId) {
        var item = dynamo.getItem(b -> b.tableName(tableName)
                .key(Map.of(ACCOUNT_ID, AttributeValue.fromS(accountId.toString())))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Row(item.get(ACCOUNT_ID).s(), Long.parseLong(item.get(BALANCE_MINOR).n()),
                Long.parseLong(item.get(VERSION).n()), item.get(LAST_EVENT_ID).s(), item.get(UPDATED_AT).s(),
                item.get(PROJECTED_AT).s(), owner(item)));
    }

    /** The owner recorded on a row's item, or null. */
    static Principal owner(Map<String, AttributeValue> item) {
        var issuer = item.get(OWNER_ISSUER);
        var subject = item.get(OWNER_SUBJECT);
        return issuer == null || subject == null ? null : new Principal(issuer.s(), subject.s());
    }

    static void putOwner(Map<String, AttributeValue> item, Principal owner) {
        if (owner != null) {
            item.put(OWNER_ISSUER, AttributeValue.fromS(owner.issuer()));
            item.put(OWNER_SUBJECT, AttributeValue.fromS(owner.subject()));
        }
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
