package example.alerts;

import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.subscriptions.DynamoPositionStore;
import dev.tally.subscriptions.GapPolicy;
import dev.tally.subscriptions.KinesisSubscriptionHandler;
import dev.tally.subscriptions.PositionTable;
import dev.tally.subscriptions.Subscription;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;

/**
 * The Lambda function: a Kinesis event-source mapping on Tally's {@code domain-events} hands it batches (with
 * {@code ReportBatchItemFailures} on), and the kit does the rest: each account's events in version order, exactly
 * once as far as the positions table goes, and what cannot be handled parked in the dead-letter table with its
 * reason. A gap (versions the stream no longer has) is parked too: replay from the lake fills history instead.
 */
public final class AlertsFunction extends KinesisSubscriptionHandler {

    /** What Lambda calls: settings from the environment, the SDK's default client. */
    public AlertsFunction() {
        this(AlertsSettings.fromEnvironment(System.getenv()), DynamoDbClient.create(), Clock.systemUTC());
    }

    public AlertsFunction(AlertsSettings settings, DynamoDbClient dynamo, Clock clock) {
        super(subscription(settings, dynamo, clock));
    }

    /** Creates the function's three tables where they are missing: locally; in AWS its stack creates them. */
    public static void createTables(DynamoDbClient dynamo, AlertsSettings settings) {
        WithdrawalDaysTable.create(dynamo, settings.table());
        PositionTable.create(dynamo, settings.positionsTable());
        DeadLetterTable.create(dynamo, settings.deadLettersTable());
    }

    /** The subscription the function runs, also for a redrive or a replay. */
    public static Subscription subscription(AlertsSettings settings, DynamoDbClient dynamo, Clock clock) {
        return Subscription.perEventInOrder(settings.subscription(),
                new LargeWithdrawals(dynamo, settings.table(), settings.thresholdMinor(), clock), Runnable::run,
                new DynamoPositionStore(dynamo, settings.positionsTable()), new GapPolicy.Park(),
                new DynamoDeadLetterStore(dynamo, settings.deadLettersTable()), Subscription.DEFAULT_RETRIES, clock);
    }
}
