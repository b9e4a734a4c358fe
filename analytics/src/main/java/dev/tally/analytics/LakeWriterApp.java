package dev.tally.analytics;

import dev.tally.subscriptions.ShardReadBudget;
import dev.tally.observability.WorkerLogging;
import dev.tally.contracts.PublishedStream;
import dev.tally.resilience.Backoff;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.subscriptions.KclLeaseTable;
import dev.tally.subscriptions.KclWorker;
import dev.tally.subscriptions.Subscription;
import dev.tally.subscriptions.SubscriptionProcessor;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The lake writer as a KCL 3 application on the {@code domain-events} stream (timings in {@link KclWorker}): every
 * domain event becomes one row sent to the lake's Firehose delivery stream. One instance is one worker.
 */
public final class LakeWriterApp implements AutoCloseable {

    public record Settings(String streamName, String deliveryStream, String workerId) {
    }

    /**
     * The kit's retries on top of {@link FirehoseSender}'s own 8: few, since each one sends the whole batch again
     * (rows Firehose took already included, which the reports' de-duplication absorbs).
     */
    static final Backoff RETRIES = new Backoff(3, Duration.ofSeconds(1), Duration.ofSeconds(5));

    private final Subscription subscription;
    private final KclWorker worker;

    private LakeWriterApp(Subscription subscription, KclWorker worker) {
        this.subscription = subscription;
        this.worker = worker;
    }

    /**
     * Creates the lease and dead-letter tables if they are missing (the CDK app creates them in AWS) and starts the
     * worker.
     */
    public static LakeWriterApp start(KclWorker.Clients clients, DynamoDbClient dynamo, FirehoseClient firehose,
                                      Settings settings, Consumer<String> log) {
        var application = AnalyticsEnvironment.LAKE_WRITER_APPLICATION;
        KclLeaseTable.create(dynamo, application);
        DeadLetterTable.create(dynamo, DeadLetterTable.nameFor(application));
        var clock = Clock.systemUTC();
        var subscription = subscription(dynamo, firehose, settings.deliveryStream(), clock, log);
        var worker = KclWorker.start(clients, settings.streamName(), application, settings.workerId(),
                ShardReadBudget.LAKE_WRITER, () -> new SubscriptionProcessor(subscription, clock, log), log);
        return new LakeWriterApp(subscription, worker);
    }

    /**
     * The lake writer as the kit runs it: {@link LakeRowsSubscriber} to {@code deliveryStream}, its dead-letter table.
     * The worker uses it, and {@code ./tally dead-letters --subscription tally-lake-writer --redrive} after a fix.
     */
    public static Subscription subscription(DynamoDbClient dynamo, FirehoseClient firehose, String deliveryStream,
                                            Clock clock, Consumer<String> log) {
        var application = AnalyticsEnvironment.LAKE_WRITER_APPLICATION;
        return Subscription.batched(application, new LakeRowsSubscriber(new FirehoseSender(firehose, deliveryStream, log, clock)),
                new DynamoDeadLetterStore(dynamo, DeadLetterTable.nameFor(application)), RETRIES, clock);
    }

    /** Stops the subscription first (a held batch then ends unfinished, never checkpointed), then the worker. */
    @Override
    public void close() {
        subscription.stop();
        worker.close();
    }

    /**
     * Runs one worker as its own process, configured by the SDK's standard settings ({@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_ENDPOINT_URL_FIREHOSE}, ...) and {@link AnalyticsEnvironment}.
     * It stops on SIGTERM, and also when its standard input closes if started with {@code --exit-with-parent}.
     */
    public static void main(String[] args) throws Exception {
        WorkerLogging.start(AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
        var env = System.getenv();
        var settings = new Settings(
                PublishedStream.nameFrom(env),
                env.getOrDefault(AnalyticsEnvironment.DELIVERY_STREAM, LakeDelivery.DELIVERY_STREAM),
                KclWorker.newWorkerId());
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var firehose = FirehoseClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var app = start(KclWorker.Clients.fromEnvironment(), dynamo, firehose, settings,
                LoggerFactory.getLogger(LakeWriterApp.class)::info);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "lake-writer-stop"));
        if (args.length > 0 && args[0].equals("--exit-with-parent")) {
            KclWorker.exitWhenClosed(System.in);
        }
        Thread.currentThread().join();
    }
}
