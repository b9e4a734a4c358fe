package example.alerts;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The subscriber's own table: one item per account and UTC day with withdrawals, hash {@code AccountId}, range
 * {@code Day} (yyyy-MM-dd). {@code TotalMinor} and {@code Withdrawals} add up the day's withdrawals;
 * {@code LastVersion} is the account's last version counted, so a redelivered event is not counted twice;
 * {@code AlertedAt} and {@code AlertVersion} are set once, when the total first exceeds the threshold. An alert is an
 * item with {@code AlertedAt}.
 */
public final class WithdrawalDaysTable {

    public static final String ACCOUNT_ID = "AccountId";
    public static final String DAY = "Day";
    public static final String TOTAL_MINOR = "TotalMinor";
    public static final String WITHDRAWALS = "Withdrawals";
    public static final String LAST_VERSION = "LastVersion";
    public static final String ALERTED_AT = "AlertedAt";
    public static final String ALERT_VERSION = "AlertVersion";

    /** A day whose withdrawals exceeded the threshold. */
    public record Alert(String accountId, LocalDate day, BigInteger totalMinor, long withdrawals, Instant alertedAt,
                        long alertVersion) {
    }

    private WithdrawalDaysTable() {
    }

    /** Creates the table if it is missing (on-demand billing); in AWS the subscriber's stack creates it. */
    public static void create(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.describeTable(b -> b.tableName(tableName));
            return;
        } catch (ResourceNotFoundException missing) {
            // create it below
        }
        try {
            dynamo.createTable(b -> b.tableName(tableName).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(ACCOUNT_ID).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(DAY).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(ACCOUNT_ID).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(DAY).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException exists) {
            // created meanwhile
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    }

    /** Every alert, by account and day. A scan: this is for a person or a test, not for a hot path. */
    public static List<Alert> alerts(DynamoDbClient dynamo, String tableName) {
        var alerts = new ArrayList<Alert>();
        for (var page : dynamo.scanPaginator(b -> b.tableName(tableName).consistentRead(true)
                .filterExpression("attribute_exists(#alerted)").expressionAttributeNames(Map.of("#alerted", ALERTED_AT)))) {
            for (var item : page.items()) {
                alerts.add(alert(item));
            }
        }
        alerts.sort(Comparator.comparing(Alert::accountId).thenComparing(Alert::day));
        return alerts;
    }

    private static Alert alert(Map<String, AttributeValue> item) {
        return new Alert(item.get(ACCOUNT_ID).s(), LocalDate.parse(item.get(DAY).s()), new BigInteger(item.get(TOTAL_MINOR).n()),
                Long.parseLong(item.get(WITHDRAWALS).n()), Instant.parse(item.get(ALERTED_AT).s()),
                Long.parseLong(item.get(ALERT_VERSION).n()));
    }
}
