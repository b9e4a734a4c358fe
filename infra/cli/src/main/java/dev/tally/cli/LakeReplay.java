package dev.tally.cli;

import dev.tally.subscriptions.ShardReadBudget;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeHistory;
import dev.tally.contracts.PublishedStream;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.emulators.Kinesalite;
import dev.tally.subscriptions.HistoryReplay;
import dev.tally.subscriptions.KclLeaseTable;
import dev.tally.subscriptions.KclWorker;
import dev.tally.subscriptions.StreamLag;
import dev.tally.subscriptions.Subscription;
import dev.tally.subscriptions.SubscriptionProcessor;
import example.alerts.AlertsFunction;
import example.alerts.AlertsSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A new subscription started from the beginning of time on the running stack: the lake's history first (synced from
 * S3, read back as published events), then the stream from a point that overlaps it, through a KCL worker of its
 * own; positions make every event's effect happen once per (account, version) across the switch. The subscription
 * is the example subscriber's rule under the given name, with tables of its own ({@code NAME-days},
 * {@code NAME-positions}, {@code NAME-dead-letters}, and the lease table {@code NAME}).
 */
final class LakeReplay implements AutoCloseable {

    private final String name;
    private final Subscription subscription;
    private final HistoryReplay.Progress history;
    private final java.util.Optional<java.time.Instant> streamStart;
    private final KclWorker worker;
    private final List<AutoCloseable> clients;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final String stream;

    private LakeReplay(String name, Subscription subscription, HistoryReplay.Progress history,
                       java.util.Optional<java.time.Instant> streamStart, KclWorker worker, List<AutoCloseable> clients,
                       KinesisClient kinesis, DynamoDbClient dynamo, String stream) {
        this.name = name;
        this.subscription = subscription;
        this.history = history;
        this.streamStart = streamStart;
        this.worker = worker;
        this.clients = clients;
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.stream = stream;
    }

    /** The example's settings for a subscription named {@code name}: its own tables, the stack's threshold. */
    static AlertsSettings settings(Map<String, String> stack, String name) {
        var environment = new HashMap<>(stack);
        environment.put(AlertsSettings.SUBSCRIPTION, name);
        environment.remove(AlertsSettings.TABLE);
        return AlertsSettings.fromEnvironment(environment);
    }

    /**
     * Replays the lake into subscription {@code name}, then starts its stream worker.
     *
     * @param stack    the running stack's exports
     * @param cacheDir where the lake is synced to
     */
    static LakeReplay start(Map<String, String> stack, String name, Path cacheDir, Consumer<String> progress) {
        Kinesalite.disableCbor();
        var clients = new ArrayList<AutoCloseable>();
        try {
            var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")));
            clients.add(dynamo);
            var kinesis = DevStack.client(KinesisClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_KINESIS")));
            clients.add(kinesis);
            S3Client s3 = DevLake.s3Client(URI.create(stack.get("AWS_ENDPOINT_URL_S3")));
            clients.add(s3);
            var settings = settings(stack, name);
            var clock = Clock.systemUTC();
            AlertsFunction.createTables(dynamo, settings);
            KclLeaseTable.create(dynamo, name);
            var subscription = AlertsFunction.subscription(settings, dynamo, clock);

            progress.accept("syncing the lake s3://" + stack.get(DevStack.LAKE_BUCKET) + " into " + cacheDir);
            var synced = new LakeCache(s3, stack.get(DevStack.LAKE_BUCKET), cacheDir).sync();
            progress.accept("  " + synced.downloaded() + " objects downloaded (" + synced.bytesDownloaded() + " bytes), "
                    + synced.unchanged() + " unchanged");
            var replay = new HistoryReplay(subscription, p -> progress.accept("  history: " + p.events() + " events read, "
                    + p.handled() + " handled, " + p.duplicates() + " already handled, " + p.parked() + " parked"));
            LakeHistory.read(cacheDir, replay);
            var history = replay.finish();
            progress.accept("history done: " + history.events() + " events from the lake" + history.newest()
                    .map(at -> ", the newest at " + at).orElse(" (the lake is empty)"));

            var stream = stack.getOrDefault(PublishedStream.NAME, PublishedStream.DEFAULT_NAME);
            var streamStart = streamStart(replay, kinesis, dynamo, stream);
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(DevStack.ACCESS_KEY, DevStack.SECRET_KEY));
            var kcl = KclWorker.Clients.forEndpoints(URI.create(stack.get("AWS_ENDPOINT_URL_KINESIS")),
                    URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")), Region.of(DevStack.REGION), credentials);
            clients.add(kcl);
            progress.accept("switching to the stream " + stream + streamStart.map(at -> " from " + at
                    + " (" + HistoryReplay.STREAM_OVERLAP + " before what the lake surely holds; what both hold is "
                    + "skipped by account and version)").orElse(" from its trim horizon"));
            // a replayed application reads as a subscriber does, beside the live ones, until it replaces one
            var worker = KclWorker.start(kcl, stream, name, KclWorker.newWorkerId(), ShardReadBudget.SUBSCRIBER,
                    () -> new SubscriptionProcessor(subscription, clock, line -> progress.accept("  " + line)),
                    streamStart, line -> progress.accept("  " + line));
            return new LakeReplay(name, subscription, history, streamStart, worker, clients, kinesis, dynamo, stream);
        } catch (RuntimeException e) {
            DevStack.closeAll(clients);
            throw e;
        }
    }

    /**
     * Where the stream must be read from so that nothing falls between the lake and the stream: the history's own
     * start ({@link HistoryReplay#streamStart()}), or earlier if the lake writer is behind on a shard: then what it
     * has not handled yet is not in the lake, so the stream is read from the oldest of those, less the same overlap.
     */
    private static Optional<java.time.Instant> streamStart(HistoryReplay replay, KinesisClient kinesis, DynamoDbClient dynamo,
                                                           String stream) {
        var start = replay.streamStart();
        if (start.isEmpty()) {
            return start;
        }
        var writer = KclCheckpoints.of(dynamo, AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            var lag = StreamLag.probe(kinesis, stream, shard.shardId(), Optional.ofNullable(writer.get(shard.shardId())),
                    Optional.empty(), Clock.systemUTC());
            var frontier = lag.oldestUnhandledArrival().map(at -> at.minus(HistoryReplay.STREAM_OVERLAP));
            if (frontier.isPresent() && frontier.get().isBefore(start.get())) {
                start = frontier;
            }
        }
        return start;
    }

    HistoryReplay.Progress history() {
        return history;
    }

    Subscription subscription() {
        return subscription;
    }

    /** Each shard's lag, from the stream worker's checkpoints (before its first one: from where it starts). */
    List<StreamLag.Shard> lag() {
        var checkpoints = KclCheckpoints.of(dynamo, name);
        return kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                .map(shard -> StreamLag.probe(kinesis, stream, shard.shardId(),
                        Optional.ofNullable(checkpoints.get(shard.shardId())), streamStart, Clock.systemUTC()))
                .toList();
    }

    boolean caughtUp() {
        return lag().stream().allMatch(StreamLag.Shard::caughtUp);
    }

    @Override
    public void close() {
        subscription.stop();
        worker.close();
        DevStack.closeAll(clients);
    }
}
