package example.alerts;

import dev.tally.contracts.DomainEvent;
import dev.tally.subscriptions.EventHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;

import static example.alerts.WithdrawalDaysTable.ACCOUNT_ID;
import static example.alerts.WithdrawalDaysTable.ALERTED_AT;
import static example.alerts.WithdrawalDaysTable.ALERT_VERSION;
import static example.alerts.WithdrawalDaysTable.DAY;
import static example.alerts.WithdrawalDaysTable.LAST_VERSION;
import static example.alerts.WithdrawalDaysTable.TOTAL_MINOR;
import static example.alerts.WithdrawalDaysTable.WITHDRAWALS;

/**
 * The rule: an account whose withdrawals in one UTC day (of the event's {@code occurredAt}) add up to more than the
 * threshold gets an alert for that day, once.
 *
 * <p>Each effect is exactly once per (account, version), even when the kit hands an event over again after a crash:
 * <ul>
 *   <li>the day's total moves only if the event's version is above the day's {@code LastVersion} (a condition in
 *   the same UpdateItem), which works because the kit hands each account's events over in version order;</li>
 *   <li>the alert is set only if the day has none yet. A crash between the two writes is mended when the event comes
 *   again: the total is not counted twice, and the alert is still raised.</li>
 * </ul>
 */
public final class LargeWithdrawals implements EventHandler {

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final long thresholdMinor;
    private final Clock clock;

    public LargeWithdrawals(DynamoDbClient dynamo, String tableName, long thresholdMinor, Clock clock) {
        if (thresholdMinor < 0) {
            throw new IllegalArgumentException("the threshold must not be negative, was " + thresholdMinor);
        }
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.thresholdMinor = thresholdMinor;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void handle(DomainEvent event) {
        if (!(event instanceof DomainEvent.BalanceWithdrawn withdrawal)) {
            return;
        }
        var key = Map.of(ACCOUNT_ID, AttributeValue.fromS(withdrawal.accountId()),
                DAY, AttributeValue.fromS(LocalDate.ofInstant(withdrawal.occurredAt(), ZoneOffset.UTC).toString()));
        var version = AttributeValue.fromN(Long.toString(withdrawal.version()));
        Map<String, AttributeValue> day;
        try {
            day = dynamo.updateItem(b -> b.tableName(tableName).key(key)
                    .updateExpression("SET #total = if_not_exists(#total, :zero) + :amount, "
                            + "#count = if_not_exists(#count, :zero) + :one, #last = :version")
                    .conditionExpression("attribute_not_exists(#last) OR #last < :version")
                    .expressionAttributeNames(Map.of("#total", TOTAL_MINOR, "#count", WITHDRAWALS, "#last", LAST_VERSION))
                    .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1"),
                            ":amount", AttributeValue.fromN(Long.toString(withdrawal.amountMinor())), ":version", version))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException counted) {
            // delivered again: counted before, but perhaps not alerted (a crash between the two writes)
            day = dynamo.getItem(b -> b.tableName(tableName).key(key).consistentRead(true)).item();
        }
        var total = new BigInteger(day.get(TOTAL_MINOR).n());
        if (total.compareTo(BigInteger.valueOf(thresholdMinor)) > 0 && !day.containsKey(ALERTED_AT)) {
            try {
                dynamo.updateItem(b -> b.tableName(tableName).key(key)
                        .updateExpression("SET #alerted = :now, #alertVersion = :version")
                        .conditionExpression("attribute_not_exists(#alerted)")
                        .expressionAttributeNames(Map.of("#alerted", ALERTED_AT, "#alertVersion", ALERT_VERSION))
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(clock.instant().toString()),
                                ":version", version)));
            } catch (ConditionalCheckFailedException alreadyAlerted) {
                // raised by an earlier delivery
            }
        }
    }
}
