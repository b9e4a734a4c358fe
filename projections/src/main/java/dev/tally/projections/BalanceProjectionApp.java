package dev.tally.projections;

import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventTable;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The balances projection as a KCL 3 application on the {@code domain-events} stream. One instance is one worker;
 * run several and KCL spreads the shards over them.
 *
 * <p>Local timings (see projections/README.md): shard sync every second, a 5 s failover (a restarted worker waits
 * that long for the dead one's leases), a 10 s leader lease instead of 120 s, reads every 250 ms. KCL 3 still waits
 * a random 1 to 30 s before its first shard sync when the lease table is empty, so a fresh start can take that long
 * before its first record; later starts resume at once from the checkpoints.
 */
public final class BalanceProjectionApp implements AutoCloseable {

    /** @param workerId unique per process; KCL hands the leases of a dead worker to the others after the failover time */
    public record Settings(String streamName, String eventsTable, String catalogTable, String applicationName,
                           String workerId) {
    }

    private static final Duration STATUS_EVERY = Duration.ofSeconds(2);

    private final Scheduler scheduler;
    private final ExecutorService accounts;
    private final ScheduledExecutorService status;
    private final Consumer<String> log;

    private BalanceProjectionApp(Scheduler scheduler, ExecutorService accounts, ScheduledExecutorService status,
                                 Consumer<String> log) {
        this.scheduler = scheduler;
        this.accounts = accounts;
        this.status = status;
        this.log = log;
    }

    public static BalanceProjectionApp start(KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamoAsync,
                                             CloudWatchAsyncClient cloudWatch, DynamoDbClient dynamo, Settings settings,
                                             Consumer<String> log) {
        prepare(dynamo, settings.catalogTable(), settings.applicationName());
        var clock = Clock.systemUTC();
        var catalog = new ProjectionCatalog(dynamo, settings.catalogTable(), clock);

        // The snapshot interval is irrelevant here: the projection only pages through events to repair gaps.
        var events = new DynamoEventStore(dynamo, settings.eventsTable(), SnapshotPolicy.defaults());
        var projector = new BalanceProjector(dynamo, events, clock);
        var lag = new LagRecorder(clock);
        var accounts = Executors.newFixedThreadPool(8, Thread.ofPlatform().name("balances-apply-", 0).daemon().factory());

        var configs = new ConfigsBuilder(settings.streamName(), settings.applicationName(), kinesis, dynamoAsync, cloudWatch,
                settings.workerId(), () -> new BalanceRecordProcessor(projector, catalog, lag, accounts, clock, log));
        var scheduler = new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(1000),
                configs.leaseManagementConfig()
                        .shardSyncIntervalMillis(1000)
                        .failoverTimeMillis(5000)
                        .dynamoDbLockBasedLeaderLeaseDurationInMillis(10_000)
                        .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(2_000),
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                configs.processorConfig(),
                configs.retrievalConfig()
                        .initialPositionInStreamExtended(
                                InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON))
                        .retrievalSpecificConfig(new PollingConfig(settings.streamName(), kinesis)
                                .idleTimeBetweenReadsInMillis(250)));
        Thread.ofPlatform().name("balances-scheduler").daemon().start(scheduler);

        var status = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("balances-status").daemon().factory());
        status.scheduleAtFixedRate(() -> {
            try {
                catalog.publish(BalanceRecordProcessor.PROJECTION, new ProjectionCatalog.WorkerStatus(settings.workerId(),
                        lag.percentile(50), lag.percentile(99), lag.count(), projector.applied(), projector.duplicates(),
                        projector.gapEventsRepaired(), clock.instant()));
            } catch (RuntimeException e) {
                log.accept("balances: cannot publish status: " + e);
            }
        }, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        log.accept("balances: worker " + settings.workerId() + " started on stream " + settings.streamName());
        return new BalanceProjectionApp(scheduler, accounts, status, log);
    }

    /**
     * Creates the lease table, the catalog and the first balances table if they are missing, and registers the
     * projection in the catalog. Idempotent; the CDK app creates the same tables in AWS.
     */
    public static void prepare(DynamoDbClient dynamo, String catalogTable, String applicationName) {
        KclLeaseTable.create(dynamo, applicationName);
        ProjectionCatalog.create(dynamo, catalogTable);
        BalancesTable.create(dynamo, BalancesTable.INITIAL_NAME);
        new ProjectionCatalog(dynamo, catalogTable, Clock.systemUTC())
                .initialize(BalanceRecordProcessor.PROJECTION, BalancesTable.INITIAL_NAME);
    }

    @Override
    public void close() {
        try {
            scheduler.startGracefulShutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.accept("balances: graceful shutdown incomplete: " + e);
            scheduler.shutdown();
        }
        status.shutdownNow();
        accounts.shutdownNow();
    }

    /**
     * Runs one worker as its own process, configured by the SDK's standard settings ({@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_KINESIS}, ...) and {@link ProjectionEnvironment}. It stops on SIGTERM, and also when its
     * standard input closes (its parent went away).
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("aws.cborEnabled", System.getProperty("aws.cborEnabled", cborDefault()));
        var env = System.getenv();
        // KCL's async clients: HTTP/1.1, which kinesalite needs and AWS accepts.
        var kinesis = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(64)).build();
        var dynamoAsync = DynamoDbAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(64)).build();
        var cloudWatch = CloudWatchAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)).build();
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var app = start(kinesis, dynamoAsync, cloudWatch, dynamo, settingsFrom(env), System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "balances-stop"));
        if (args.length > 0 && args[0].equals("--exit-with-parent")) {
            exitWhenClosed(System.in);
        }
        Thread.currentThread().join();
    }

    private static String cborDefault() {
        return "false".equalsIgnoreCase(System.getenv("CBOR_ENABLED")) ? "false" : "true";
    }

    static Settings settingsFrom(Map<String, String> env) throws IOException {
        return new Settings(
                env.getOrDefault(ProjectionEnvironment.DOMAIN_EVENTS_STREAM, "domain-events"),
                env.getOrDefault(ProjectionEnvironment.EVENTS_TABLE, EventTable.DEFAULT_NAME),
                env.getOrDefault(ProjectionEnvironment.CATALOG_TABLE, ProjectionCatalog.DEFAULT_NAME),
                ProjectionEnvironment.BALANCES_APPLICATION,
                InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID());
    }

    private static void exitWhenClosed(InputStream in) {
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
