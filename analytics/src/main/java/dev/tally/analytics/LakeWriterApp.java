package dev.tally.analytics;

import dev.tally.contracts.PublishedStream;
import dev.tally.kcl.KclLeaseTable;
import dev.tally.kcl.KclWorker;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.util.function.Consumer;

/**
 * The lake writer as a KCL 3 application on the {@code domain-events} stream (timings in {@link KclWorker}): every
 * domain event becomes one row sent to the lake's Firehose delivery stream. One instance is one worker.
 */
public final class LakeWriterApp implements AutoCloseable {

    public record Settings(String streamName, String deliveryStream, String workerId) {
    }

    private final KclWorker worker;

    private LakeWriterApp(KclWorker worker) {
        this.worker = worker;
    }

    /** Creates the lease table if it is missing (the CDK app creates it in AWS) and starts the worker. */
    public static LakeWriterApp start(KclWorker.Clients clients, DynamoDbClient dynamo, FirehoseClient firehose,
                                      Settings settings, Consumer<String> log) {
        KclLeaseTable.create(dynamo, AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
        var sender = new FirehoseSender(firehose, settings.deliveryStream(), log);
        var worker = KclWorker.start(clients, settings.streamName(), AnalyticsEnvironment.LAKE_WRITER_APPLICATION,
                settings.workerId(), () -> new LakeWriterProcessor(sender, log), log);
        return new LakeWriterApp(worker);
    }

    @Override
    public void close() {
        worker.close();
    }

    /**
     * Runs one worker as its own process, configured by the SDK's standard settings ({@code AWS_REGION},
     * {@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_ENDPOINT_URL_FIREHOSE}, ...) and {@link AnalyticsEnvironment}.
     * It stops on SIGTERM, and also when its standard input closes if started with {@code --exit-with-parent}.
     */
    public static void main(String[] args) throws Exception {
        var env = System.getenv();
        var settings = new Settings(
                PublishedStream.nameFrom(env),
                env.getOrDefault(AnalyticsEnvironment.DELIVERY_STREAM, LakeDelivery.DELIVERY_STREAM),
                KclWorker.newWorkerId());
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var firehose = FirehoseClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        var app = start(KclWorker.Clients.fromEnvironment(), dynamo, firehose, settings, System.out::println);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "lake-writer-stop"));
        if (args.length > 0 && args[0].equals("--exit-with-parent")) {
            KclWorker.exitWhenClosed(System.in);
        }
        Thread.currentThread().join();
    }
}
