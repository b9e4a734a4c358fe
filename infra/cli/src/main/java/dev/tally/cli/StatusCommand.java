package dev.tally.cli;

import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.StackSubscriptions;
import dev.tally.contracts.PublishedStream;
import dev.tally.emulators.Kinesalite;
import dev.tally.subscriptions.StreamLag;
import dev.tally.cli.observe.LocalMetrics;
import dev.tally.cli.observe.LogFolder;
import dev.tally.observability.Metric;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import java.nio.file.Path;
import java.util.Optional;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.translator.TranslatorMapping;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

/** Where each consumer of the running stack is, and how far behind. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show each consumer's position and lag, and the lake's size.",
                "Each consumer's checkpoint positions (translator, balances projection, lake writer), the balances "
                        + "projection's lag p50/p99 and counts, every subscription of domain-events (position and lag on "
                        + "each shard, caught up or not, handled, duplicates, retried and parked counts, dead letters), the lake's partitions, objects and bytes, and the items "
                        + "DynamoDB Query and Scan calls returned per table (run it before and after a request to see "
                        + "what the request read)."})
final class StatusCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        var stack = StackEnvironment.running();
        try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
            System.out.println("stream-translator (DynamoDB stream of events -> Kinesis domain-events)");
            var checkpoints = DevStack.mappingCheckpoints(stack, TranslatorMapping.FUNCTION_NAME);
            checkpoints.forEach((shard, sequence) -> System.out.printf("  %-40s checkpoint %s%n", shard, sequence));
            if (checkpoints.isEmpty()) {
                System.out.println("  no checkpoint yet");
            }

            System.out.println("balances projection (Kinesis domain-events -> balances read model; KCL application "
                    + ProjectionEnvironment.BALANCES_APPLICATION + ")");
            printLeases(dynamo, ProjectionEnvironment.BALANCES_APPLICATION);
            var catalog = new ProjectionCatalog(dynamo, stack.getOrDefault(ProjectionEnvironment.CATALOG_TABLE,
                    ProjectionCatalog.DEFAULT_NAME), Clock.systemUTC());
            var now = Instant.now();
            for (var worker : catalog.workers(ProjectionEnvironment.BALANCES)) {
                System.out.printf("  worker %s%n    lag p50 %d ms, p99 %d ms (%d events in the last minute); applied %d, duplicates %d, "
                                + "gap events repaired %d, parked %d; reported %d s ago%n", worker.worker(), worker.lagP50Millis(),
                        worker.lagP99Millis(), worker.samples(), worker.applied(), worker.duplicates(),
                        worker.gapEventsRepaired(), worker.parked(), Duration.between(worker.updatedAt(), now).toSeconds());
            }
            var targets = catalog.targets(ProjectionEnvironment.BALANCES);
            System.out.println("  readers use table " + targets.active()
                    + targets.building().map(b -> "; a rebuild is filling " + b).orElse(""));

            System.out.println("lake writer (Kinesis domain-events -> Firehose " + LakeDelivery.DELIVERY_STREAM
                    + "; KCL application " + AnalyticsEnvironment.LAKE_WRITER_APPLICATION + ")");
            printLeases(dynamo, AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
            try (var s3 = DevLake.s3Client(URI.create(stack.get("AWS_ENDPOINT_URL_S3")))) {
                var partitions = new java.util.TreeMap<String, long[]>();
                for (var object : s3.listObjectsV2Paginator(b -> b.bucket(stack.get(DevStack.LAKE_BUCKET))
                        .prefix(LakeTable.EVENTS_PREFIX)).contents()) {
                    var partition = object.key().substring(LakeTable.EVENTS_PREFIX.length(), object.key().lastIndexOf('/'));
                    var totals = partitions.computeIfAbsent(partition, p -> new long[2]);
                    totals[0]++;
                    totals[1] += object.size();
                }
                System.out.printf("  lake s3://%s/%s: %d partitions, %d objects, %d bytes%s%n", stack.get(DevStack.LAKE_BUCKET),
                        LakeTable.EVENTS_PREFIX, partitions.size(), partitions.values().stream().mapToLong(t -> t[0]).sum(),
                        partitions.values().stream().mapToLong(t -> t[1]).sum(),
                        partitions.isEmpty() ? "" : " (" + partitions.firstKey() + " .. " + partitions.lastKey() + ")");
            }
        }
        printSubscriptions(stack);
        System.out.println("DynamoDB reads through the API's endpoint (items Query and Scan returned since the stack started,"
                + " CloudWatch's ReturnedItemCount; the workers read dynalite directly and are not counted)");
        var returned = StackMetrics.returnedItemCounts();
        if (returned.isEmpty()) {
            System.out.println("  none yet");
        }
        returned.forEach((table, count) -> System.out.printf("  %-40s %d items%n", table, count));
        return 0;
    }

    /**
     * Every subscription of domain-events the stack runs: where it is on each shard, how far behind (the age of the
     * oldest record it has not handled, measured on the stream from its checkpoint), whether it is caught up, and its
     * counts (handled, duplicates, retried, parked) with its dead letters.
     */
    private static void printSubscriptions(Map<String, String> stack) throws java.io.IOException {
        var stream = stack.getOrDefault(PublishedStream.NAME, PublishedStream.DEFAULT_NAME);
        System.out.println("subscriptions of " + stream + " (lag: the age of the oldest record not handled yet)");
        var since = stack.containsKey(DevStack.STARTED_AT) ? Instant.parse(stack.get(DevStack.STARTED_AT)) : Instant.EPOCH;
        // the same numbers as ./tally metrics: the EMF lines each subscription writes in its log
        var metrics = LocalMetrics.read(LogFolder.of(stack), since);
        Kinesalite.disableCbor();
        try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")));
             var kinesis = DevStack.client(KinesisClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_KINESIS")))) {
            var shards = kinesis.listShards(b -> b.streamName(stream)).shards();
            var now = Instant.now();
            for (var subscription : StackSubscriptions.ALL) {
                var checkpoints = subscription.runner() == StackSubscriptions.Runner.KCL_WORKER
                        ? KclCheckpoints.of(dynamo, subscription.name())
                        : DevStack.mappingCheckpoints(stack, subscription.name());
                var lags = shards.stream().map(shard -> StreamLag.probe(kinesis, stream, shard.shardId(),
                        Optional.ofNullable(checkpoints.get(shard.shardId())), Optional.empty(), Clock.systemUTC())).toList();
                boolean caughtUp = lags.stream().allMatch(StreamLag.Shard::caughtUp);
                System.out.printf("  %s (%s, %s): %s%n", subscription.name(), subscription.description(),
                        subscription.runner() == StackSubscriptions.Runner.KCL_WORKER ? "a KCL worker" : "a Lambda",
                        caughtUp ? "caught up" : "lag " + lags.stream().mapToLong(l -> l.lag().toMillis()).max().orElse(0) + " ms");
                for (var lag : lags) {
                    System.out.printf("    %-22s position %s%s%n", lag.shardId(), lag.position(), lag.caughtUp() ? ", caught up"
                            : ", lag " + lag.lag().toMillis() + " ms");
                }
                var name = subscription.name();
                System.out.printf("    since the stack started: %d handled, %d duplicates skipped, %d retried, %d parked%n",
                        metrics.total(name, Metric.EVENTS_HANDLED.metricName()),
                        metrics.total(name, Metric.EVENTS_DUPLICATE.metricName()),
                        metrics.total(name, Metric.EVENTS_RETRIED.metricName()),
                        metrics.total(name, Metric.DEAD_LETTERS.metricName()));
                System.out.println(metrics.row(name, Metric.SUBSCRIPTION_LAG.metricName(), now)
                        .filter(row -> row.recent().count() > 0)
                        .map(row -> String.format("    lag from occurrence to handling, last minute: p50 %d ms, p99 %d ms (%d events)",
                                row.recent().p50(), row.recent().p99(), row.recent().count()))
                        .orElse("    lag from occurrence to handling: no events in the last minute"));
                printDeadLetters(dynamo, subscription.name());
            }
        }
    }

    /** How many records the subscription has parked; its dead-letter table holds them until they are redriven. */
    private static void printDeadLetters(DynamoDbClient dynamo, String subscription) {
        try {
            var parked = new DynamoDeadLetterStore(dynamo, DeadLetterTable.nameFor(subscription)).count(subscription);
            System.out.println("    dead letters: " + parked + (parked == 0 ? ""
                    : " (./tally dead-letters --subscription " + subscription + ")"));
        } catch (ResourceNotFoundException e) {
            System.out.println("    dead letters: no table yet (the worker creates it when it starts)");
        }
    }

    /** The checkpoints of a KCL application's shards, from its lease table. */
    private static void printLeases(DynamoDbClient dynamo, String application) {
        try {
            for (var lease : dynamo.scan(b -> b.tableName(application).consistentRead(true)).items()
                    .stream().filter(l -> l.get("leaseKey").s().startsWith("shardId-")).toList()) {
                System.out.printf("  %-40s checkpoint %-58s owner %s%n", lease.get("leaseKey").s(),
                        lease.containsKey("checkpoint") ? lease.get("checkpoint").s() : "-",
                        lease.containsKey("leaseOwner") ? lease.get("leaseOwner").s() : "(none)");
            }
        } catch (ResourceNotFoundException e) {
            System.out.println("  no lease table yet");
        }
    }
}
