package dev.tally.subscriptions;

import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.net.UnknownHostException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One worker of a KCL 3 application: the scheduler with Tally's timings, run on its own thread. Every Tally
 * consumer of {@code domain-events} (the balances projection, the lake writer) is one of these with its own
 * application name, hence its own lease table and checkpoints.
 *
 * <p>Timings: shard sync every second, a 5 s failover (a restarted worker waits that long for a dead one's
 * leases), a 10 s leader lease with a 2 s heartbeat instead of KCL 3's 120 s, and reads at the application's share of
 * the shard's read budget ({@link ShardReadBudget}). KCL 3 still
 * waits a random 1 to 30 s before its first shard sync when the lease table is empty, so a fresh start can take
 * that long before its first record; later starts resume at once from the checkpoints.
 */
public final class KclWorker implements AutoCloseable {

    /**
     * The environment variable that turns KCL's own metrics on: a {@link MetricsLevel} ({@code SUMMARY} in AWS, where
     * the CDK app sets it and grants {@code cloudwatch:PutMetricData} in the namespace {@link #metricsNamespace}
     * only). Unset, KCL publishes nothing: there is no CloudWatch locally.
     */
    public static final String METRICS_LEVEL = "TALLY_KCL_METRICS_LEVEL";

    /** The CloudWatch namespace of an application's KCL metrics. */
    public static String metricsNamespace(String applicationName) {
        return "KCL/" + applicationName;
    }

    /**
     * The three async clients KCL needs, and the level of KCL's own metrics ({@link MetricsLevel#NONE}: published
     * nowhere).
     */
    public record Clients(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamo, CloudWatchAsyncClient cloudWatch,
                          MetricsLevel metricsLevel) implements AutoCloseable {

        @Override
        public void close() {
            try (kinesis; dynamo; cloudWatch) {
                // closes all three, even when one throws
            }
        }

        /**
         * Clients configured by the SDK's standard settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_KINESIS},
         * ...), speaking HTTP/1.1, which kinesalite needs and AWS accepts.
         */
        public static Clients fromEnvironment() {
            var level = System.getenv(METRICS_LEVEL);
            return configured(b -> { }, b -> { }, b -> { },
                    level == null || level.isBlank() ? MetricsLevel.NONE : MetricsLevel.fromName(level.strip()));
        }

        /**
         * Clients for the given endpoints, region and credentials (a local stack, or another region), speaking
         * HTTP/1.1 like {@link #fromEnvironment()}.
         */
        public static Clients forEndpoints(URI kinesis, URI dynamo, Region region, AwsCredentialsProvider credentials) {
            return configured(b -> b.endpointOverride(kinesis).region(region).credentialsProvider(credentials),
                    b -> b.endpointOverride(dynamo).region(region).credentialsProvider(credentials),
                    // metrics go to NullMetricsFactory: CloudWatch is never called, but KCL wants a client
                    b -> b.endpointOverride(dynamo).region(region).credentialsProvider(credentials), MetricsLevel.NONE);
        }

        private static Clients configured(Consumer<KinesisAsyncClientBuilder> kinesis, Consumer<DynamoDbAsyncClientBuilder> dynamo,
                                          Consumer<CloudWatchAsyncClientBuilder> cloudWatch, MetricsLevel metricsLevel) {
            var kinesisBuilder = KinesisAsyncClient.builder().httpClientBuilder(http(64));
            kinesis.accept(kinesisBuilder);
            var dynamoBuilder = DynamoDbAsyncClient.builder().httpClientBuilder(http(64));
            dynamo.accept(dynamoBuilder);
            var cloudWatchBuilder = CloudWatchAsyncClient.builder().httpClientBuilder(http(8));
            cloudWatch.accept(cloudWatchBuilder);
            return new Clients(kinesisBuilder.build(), dynamoBuilder.build(), cloudWatchBuilder.build(), metricsLevel);
        }


        private static NettyNioAsyncHttpClient.Builder http(int maxConcurrency) {
            return NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(maxConcurrency);
        }
    }

    private final Scheduler scheduler;
    private final String applicationName;
    private final Consumer<String> log;

    private KclWorker(Scheduler scheduler, String applicationName, Consumer<String> log) {
        this.scheduler = scheduler;
        this.applicationName = applicationName;
        this.log = log;
    }

    /**
     * Starts a worker reading {@code streamName} from its trim horizon (a new application sees the whole
     * retained history). The lease table named {@code applicationName} must exist: see {@link KclLeaseTable}.
     */
    public static KclWorker start(Clients clients, String streamName, String applicationName, String workerId,
                                  Duration readInterval, ShardRecordProcessorFactory processors, Consumer<String> log) {
        return start(clients, streamName, applicationName, workerId, readInterval, processors, Optional.empty(), log);
    }

    /**
     * Starts a worker as {@link #start(Clients, String, String, String, Duration, ShardRecordProcessorFactory, Consumer)} does,
     * but a new application reads from {@code from} (Kinesis's AT_TIMESTAMP) instead of the trim horizon: after a
     * {@link HistoryReplay}. Where the application has checkpoints, it resumes from them either way.
     */
    public static KclWorker start(Clients clients, String streamName, String applicationName, String workerId,
                                  Duration readInterval, ShardRecordProcessorFactory processors, Optional<Instant> from,
                                  Consumer<String> log) {
        // By ARN for a stream in another account (kinesalite takes names only, so this path runs in AWS alone)
        boolean byArn = streamName.startsWith("arn:");
        var configs = byArn
                ? new ConfigsBuilder(Arn.fromString(streamName), applicationName, clients.kinesis(), clients.dynamo(),
                        clients.cloudWatch(), workerId, processors)
                : new ConfigsBuilder(streamName, applicationName, clients.kinesis(), clients.dynamo(),
                        clients.cloudWatch(), workerId, processors);
        var scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(1000),
                configs.leaseManagementConfig()
                        .shardSyncIntervalMillis(1000)
                        .failoverTimeMillis(5000)
                        .dynamoDbLockBasedLeaderLeaseDurationInMillis(10_000)
                        .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(2_000),
                configs.lifecycleConfig(),
                clients.metricsLevel() == MetricsLevel.NONE
                        ? configs.metricsConfig().metricsFactory(new NullMetricsFactory())
                        : configs.namespace(metricsNamespace(applicationName)).metricsConfig()
                                .metricsLevel(clients.metricsLevel()),
                configs.processorConfig(),
                configs.retrievalConfig()
                        .initialPositionInStreamExtended(from
                                .map(at -> InitialPositionInStreamExtended.newInitialPositionAtTimestamp(Date.from(at)))
                                .orElse(InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)))
                        .retrievalSpecificConfig((byArn ? new PollingConfig(clients.kinesis())
                                : new PollingConfig(streamName, clients.kinesis()))
                                // KCL waits what is left of this since its last call: a cap on the call rate
                                .idleTimeBetweenReadsInMillis(readInterval.toMillis())));
        Thread.ofPlatform().name(applicationName + "-scheduler").daemon().start(scheduler);
        log.accept(applicationName + ": worker " + workerId + " started on stream " + streamName
                + from.map(at -> " (a new application reads from " + at + ")").orElse(""));
        return new KclWorker(scheduler, applicationName, log);
    }

    /** Unique per process: KCL hands a dead worker's leases to the others after the failover time. */
    public static String newWorkerId() {
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID();
        } catch (UnknownHostException e) {
            return "unknown-host:" + ProcessHandle.current().pid() + ":" + UUID.randomUUID();
        }
    }

    /** Asks the record processors to finish and checkpoint (they get {@code shutdownRequested}), for up to 10 s. */
    @Override
    public void close() {
        try {
            scheduler.startGracefulShutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.accept(applicationName + ": graceful shutdown incomplete: " + e);
            scheduler.shutdown();
        }
    }

    /**
     * Blocks until {@code in} reaches end-of-file, then exits the JVM (running the shutdown hooks). A worker started
     * by the local stack gets {@code --exit-with-parent} and watches its standard input: it closes when the parent
     * goes away, even after kill -9.
     */
    public static void exitWhenClosed(InputStream in) {
        try {
            while (in.read() >= 0) {
                // ignore anything the parent writes
            }
        } catch (IOException ignored) {
            // closed: the parent is gone
        }
        System.exit(0);
    }
}
