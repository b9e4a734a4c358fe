package dev.tally.devstack;

import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeWriterApp;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.projections.BalanceProjectionApp;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.subscriptions.Subscription;
import example.alerts.AlertsFunction;
import example.alerts.AlertsSettings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The subscriptions of {@code domain-events} the local stack runs, by name: one place for the CLI to find them. */
public final class StackSubscriptions {

    /** How each one is run. */
    public enum Runner { KCL_WORKER, LAMBDA }

    public record Entry(String name, Runner runner, String description) {
    }

    public static final List<Entry> ALL = List.of(
            new Entry(ProjectionEnvironment.BALANCES_APPLICATION, Runner.KCL_WORKER, "the balances projection"),
            new Entry(AnalyticsEnvironment.LAKE_WRITER_APPLICATION, Runner.KCL_WORKER, "the lake writer (to Firehose)"),
            new Entry(AlertsSettings.DEFAULT_SUBSCRIPTION, Runner.LAMBDA, "the example subscriber (large withdrawal alerts)"));

    private StackSubscriptions() {
    }

    public static List<String> names() {
        return ALL.stream().map(Entry::name).toList();
    }

    public static Optional<Entry> find(String name) {
        return ALL.stream().filter(entry -> entry.name().equals(name)).findFirst();
    }

    /**
     * The subscription {@code name} as its worker or function builds it, for a redrive in this process; empty if the
     * stack has no such subscription.
     *
     * @param stack    the running stack's exports
     * @param closing  where clients this opens are added, for the caller to close
     */
    public static Optional<Subscription> build(String name, Map<String, String> stack, DynamoDbClient dynamo,
                                               List<AutoCloseable> closing, Consumer<String> log) {
        if (name.equals(ProjectionEnvironment.BALANCES_APPLICATION)) {
            return Optional.of(BalanceProjectionApp.forRedrive(dynamo, EventStoreSettings.fromEnvironment(stack),
                    stack.getOrDefault(ProjectionEnvironment.CATALOG_TABLE, ProjectionCatalog.DEFAULT_NAME), log));
        }
        if (name.equals(AnalyticsEnvironment.LAKE_WRITER_APPLICATION)) {
            var firehose = DevStack.client(FirehoseClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_FIREHOSE")));
            closing.add(firehose);
            return Optional.of(LakeWriterApp.subscription(dynamo, firehose, stack.getOrDefault(AnalyticsEnvironment.DELIVERY_STREAM,
                    LakeDelivery.DELIVERY_STREAM), Clock.systemUTC(), log));
        }
        if (name.equals(AlertsSettings.DEFAULT_SUBSCRIPTION)) {
            return Optional.of(AlertsFunction.subscription(AlertsSettings.fromEnvironment(stack), dynamo, Clock.systemUTC()));
        }
        return Optional.empty();
    }
}
