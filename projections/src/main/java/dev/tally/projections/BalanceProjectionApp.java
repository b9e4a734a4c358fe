package dev.tally.projections;

import dev.tally.subscriptions.ShardReadBudget;
import dev.tally.observability.WorkerLogging;
import dev.tally.contracts.PublishedStream;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.subscriptions.KclLeaseTable;
import dev.tally.subscriptions.KclWorker;
import dev.tally.subscriptions.Subscription;
import dev.tally.subscriptions.SubscriptionProcessor;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The balances projection as a KCL 3 application on the {@code domain-events} stream (timings in
 * {@link KclWorker}). One instance is one worker; run several and KCL spreads the shards over them.
 */
public final class BalanceProjectionApp implements AutoCloseable {

    /** @param workerId unique per process (see {@link KclWorker#newWorkerId()}) */
    public record Settings(String streamName, EventStoreSettings store, String catalogTable, String applicationName,
                           String workerId) {
    }

    private static final Duration STATUS_EVERY = Duration.ofSeconds(2);

    private final Subscription subscription;
    private final KclWorker worker;
    private final ExecutorService accounts;
    private final ScheduledExecutorService status;

    private BalanceProjectionApp(Subscription subscription, KclWorker worker, ExecutorService accounts,
                                 ScheduledExecutorService status) {
        this.subscription = subscription;
        this.worker = worker;
        this.accounts = accounts;
        this.status = status;
    }

    public static BalanceProjectionApp start(KclWorker.Clients clients, DynamoDbClient dynamo, Settings settings,
                                             Consumer<String> log) {
        prepare(dynamo, settings.catalogTable(), settings.applicationName());
        var clock = Clock.systemUTC();
        var catalog = new ProjectionCatalog(dynamo, settings.catalogTable(), clock);

        var events = new DynamoEventStore(dynamo, settings.store().eventsTable(), settings.store().snapshots());
        var projector = new BalanceProjector(dynamo, events, clock);
        var lag = new LagRecorder(clock);
        var accounts = Executors.newFixedThreadPool(8, Thread.ofPlatform().name("balances-apply-", 0).daemon().factory());
        var subscription = subscription(dynamo, settings.applicationName(), projector, catalog, lag, accounts, clock, log);
        var worker = KclWorker.start(clients, settings.streamName(), settings.applicationName(), settings.workerId(),
                ShardReadBudget.BALANCES, () -> new SubscriptionProcessor(subscription, clock, log), log);

        var status = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("balances-status").daemon().factory());
        status.scheduleAtFixedRate(() -> {
            try {
                catalog.publish(ProjectionEnvironment.BALANCES, new ProjectionCatalog.WorkerStatus(settings.workerId(),
                        lag.percentile(50), lag.percentile(99), lag.count(), projector.applied(), projector.duplicates(),
                        projector.gapEventsRepaired(), subscription.parked(), clock.instant()));
            } catch (RuntimeException e) {
                log.accept("balances: cannot publish status: " + e);
            }
        }, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return new BalanceProjectionApp(subscription, worker, accounts, status);
    }

    /** The projection as the kit runs it: {@link BalancesSubscriber}, its dead-letter table, Tally's retries. */
    private static Subscription subscription(DynamoDbClient dynamo, String applicationName, BalanceProjector projector,
                                             ProjectionCatalog catalog, LagRecorder lag, java.util.concurrent.Executor accounts,
                                             Clock clock, Consumer<String> log) {
        return Subscription.perEvent(applicationName, new BalancesSubscriber(projector, catalog, lag, clock), accounts,
                new DynamoDeadLetterStore(dynamo, DeadLetterTable.nameFor(applicationName)), Subscription.DEFAULT_RETRIES,
                clock);
    }

    /**
     * The same subscription, handling on the caller's thread, to redrive its dead letters after a fix
     * ({@code ./tally dead-letters --subscription tally-balances --redrive}).
     */
    public static Subscription forRedrive(DynamoDbClient dynamo, EventStoreSettings store, String catalogTable,
                                          Consumer<String> log) {
        var clock = Clock.systemUTC();
        var events = new DynamoEventStore(dynamo, store.eventsTable(), store.snapshots());
        return subscription(dynamo, ProjectionEnvironment.BALANCES_APPLICATION, new BalanceProjector(dynamo, events, clock),
                new ProjectionCatalog(dynamo, catalogTable, clock), new LagRecorder(clock), Runnable::run, clock, log);
    }

    /**
     * Creates the lease table, the dead-letter table, the catalog and the first balances table if they are missing,
     * and registers the projection in the catalog. Idempotent; the CDK app creates the same tables in AWS.
     */
    public static void prepare(DynamoDbClient dynamo, String catalogTable, String applicationName) {
        KclLeaseTable.create(dynamo, applicationName);
        DeadLetterTable.create(dynamo, DeadLetterTable.nameFor(applicationName));
        ProjectionCatalog.create(dynamo, catalogTable);
        BalancesTable.create(dynamo, BalancesTable.INITIAL_NAME);
        new ProjectionCatalog(dynamo, catalogTable, Clock.systemUTC())
                .initialize(ProjectionEnvironment.BALANCES, BalancesTable.INITIAL_NAME);
    }

    /** Stops the subscription first (a held batch then ends unfinished, never checkpointed), then the worker. */
    @Override
    public void close() {
        subscription.stop();
        worker.close();
        status.shutdownNow();
        accounts.shutdown();
    }

    /**
     * Runs one worker as its own process, configured by the SDK's standard settings ({@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_KINESIS}, ...) and {@link ProjectionEnvironment}, {@link EventStoreSettings} and {@link PublishedStream}. It stops on SIGTERM, and also when its
     * standard input closes (its parent went away) if started with {@code --exit-with-parent}.
     */
    public static void main(String[] args) throws Exception {
        WorkerLogging.start(ProjectionEnvironment.BALANCES_APPLICATION);
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var app = start(KclWorker.Clients.fromEnvironment(), dynamo, settingsFrom(System.getenv()),
                LoggerFactory.getLogger(BalanceProjectionApp.class)::info);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "balances-stop"));
        if (args.length > 0 && args[0].equals("--exit-with-parent")) {
            KclWorker.exitWhenClosed(System.in);
        }
        Thread.currentThread().join();
    }

    static Settings settingsFrom(Map<String, String> env) {
        return new Settings(
                PublishedStream.nameFrom(env),
                EventStoreSettings.fromEnvironment(env),
                env.getOrDefault(ProjectionEnvironment.CATALOG_TABLE, ProjectionCatalog.DEFAULT_NAME),
                ProjectionEnvironment.BALANCES_APPLICATION,
                KclWorker.newWorkerId());
    }
}
