package dev.tally.devstack;

import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.LakeWriterApp;
import dev.tally.emulators.S3rver;
import dev.tally.standins.athena.LocalAthena;
import dev.tally.standins.firehose.LocalFirehose;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.glue.GlueTable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ProcessorParameterName;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The analytics half of the local stack: s3rver holding the lake bucket, the Firehose stand-in delivering to it
 * with the delivery stream created through the Firehose API exactly as {@link LakeDelivery} describes it, and the
 * lake writer as its own worker process, and the Athena stand-in reading the lake.
 *
 * <pre>
 *  kinesalite "domain-events" ─> lake writer (KCL) ─> LocalFirehose "tally-lake" ─> s3rver tally-lake/events/event_date=.../*.parquet
 * </pre>
 */
public final class DevLake implements AutoCloseable {

    public static final String BUCKET = "tally-lake";

    private final List<AutoCloseable> started;
    private final S3rver s3rver;
    private final S3Client s3;
    private final LocalFirehose firehose;
    private final WorkerProcess writer;
    private final LocalAthena athena;

    private DevLake(List<AutoCloseable> started, S3rver s3rver, S3Client s3, LocalFirehose firehose, WorkerProcess writer,
                      LocalAthena athena) {
        this.started = started;
        this.s3rver = s3rver;
        this.s3 = s3;
        this.firehose = firehose;
        this.writer = writer;
        this.athena = athena;
    }

    /**
     * @param workerEnvironment the SDK and Tally settings the lake writer shares with the other workers
     * @param bufferInterval    the delivery stream's buffering interval
     */
    static DevLake start(int s3Port, int firehosePort, int athenaPort, Optional<Path> dataDir,
                           Map<String, String> workerEnvironment, Duration bufferInterval, Path logDir, Progress progress,
                           Consumer<String> log) {
        var started = new ArrayList<AutoCloseable>();
        try {
            progress.step("starting s3rver (bucket " + BUCKET + ")");
            var s3rver = S3rver.start(s3Port, dataDir.map(d -> d.resolve("s3")), List.of(BUCKET));
            started.add(s3rver);
            var s3 = s3Client(s3rver.endpoint());
            started.add(s3);

            progress.step("starting the Firehose stand-in and creating the delivery stream " + LakeDelivery.DELIVERY_STREAM);
            var glue = glueCatalog();
            var firehose = new LocalFirehose(firehosePort, s3, glue, DevStack.REGION, Clock.systemUTC(),
                    dataDir.map(d -> d.resolve("firehose-spool")), log);
            started.add(firehose);
            try (var client = DevStack.client(FirehoseClient.builder(), firehose.endpoint())) {
                createDeliveryStream(client, BUCKET, bufferInterval);
            }

            var environment = new java.util.LinkedHashMap<>(workerEnvironment);
            environment.put("AWS_ENDPOINT_URL_FIREHOSE", firehose.endpoint().toString());
            environment.put(AnalyticsEnvironment.DELIVERY_STREAM, LakeDelivery.DELIVERY_STREAM);
            var logFile = LocalLogs.file(logDir, AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
            progress.step("starting the lake writer (KCL; log: " + logFile + ")");
            var writer = new WorkerProcess("lake writer", AnalyticsEnvironment.LAKE_WRITER_APPLICATION, LakeWriterApp.class,
                    environment, logDir);
            started.add(writer);

            var athenaLake = dataDir.isPresent() ? dataDir.get().resolve("athena-lake") : java.nio.file.Files.createTempDirectory("tally-athena-lake-");
            var cache = new LakeCache(s3, BUCKET, athenaLake);
            progress.step("starting the Athena stand-in (DuckDB over the lake, synced from S3 before each query)");
            var athena = new LocalAthena(athenaPort, glue, athenaLake, cache::sync, Clock.systemUTC());
            started.add(athena);
            return new DevLake(started, s3rver, s3, firehose, writer, athena);
        } catch (java.io.IOException e) {
            DevStack.closeAll(started);
            throw new java.io.UncheckedIOException("cannot create a folder for the Athena stand-in", e);
        } catch (RuntimeException | Error e) {
            DevStack.closeAll(started);
            throw e;
        }
    }

    /** The lake's Glue tables, as the CDK app declares them, for the Firehose and Athena stand-ins. */
    public static GlueCatalog glueCatalog() {
        var glue = new GlueCatalog();
        glue.put(new GlueTable(LakeDelivery.GLUE_DATABASE, LakeTable.EVENTS, "s3://" + BUCKET + "/" + LakeTable.EVENTS_PREFIX,
                glueColumns(LakeTable.EVENT_COLUMNS), List.of(new GlueTable.Column(LakeTable.PARTITION.name(), LakeTable.PARTITION.type()))));
        glue.put(new GlueTable(LakeDelivery.GLUE_DATABASE, LakeTable.COMPACTED, "s3://" + BUCKET + "/" + LakeTable.COMPACTED_PREFIX,
                glueColumns(LakeTable.EVENT_COLUMNS), List.of(new GlueTable.Column(LakeTable.PARTITION.name(), LakeTable.PARTITION.type()))));
        glue.put(new GlueTable(LakeDelivery.GLUE_DATABASE, LakeTable.LEDGER_ACCOUNTS, "s3://" + BUCKET + "/" + LakeTable.LEDGER_PREFIX,
                glueColumns(LakeTable.LEDGER_COLUMNS), List.of()));
        return glue;
    }

    private static List<GlueTable.Column> glueColumns(List<LakeTable.Column> columns) {
        return columns.stream().map(c -> new GlueTable.Column(c.name(), c.type())).toList();
    }

    /**
     * The lake's delivery stream, as the CDK app declares it: Direct PUT to the bucket, dynamic partitioning on
     * {@code event_date} by JQ, Parquet conversion from the Glue table, errors under their own prefix.
     */
    public static void createDeliveryStream(FirehoseClient firehose, String bucket, Duration bufferInterval) {
        var request = CreateDeliveryStreamRequest.builder()
                .deliveryStreamName(LakeDelivery.DELIVERY_STREAM)
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> d
                        .bucketARN("arn:aws:s3:::" + bucket)
                        .roleARN("arn:aws:iam::000000000000:role/tally-lake-delivery")
                        .prefix(LakeDelivery.PREFIX)
                        .errorOutputPrefix(LakeDelivery.ERROR_PREFIX)
                        .bufferingHints(h -> h.sizeInMBs(LakeDelivery.BUFFER_SIZE_MIB)
                                .intervalInSeconds((int) bufferInterval.toSeconds()))
                        .compressionFormat("UNCOMPRESSED")
                        .fileExtension(LakeDelivery.FILE_EXTENSION)
                        .dynamicPartitioningConfiguration(p -> p.enabled(true))
                        .processingConfiguration(p -> p.enabled(true).processors(processor -> processor
                                .type(ProcessorType.METADATA_EXTRACTION)
                                .parameters(
                                        q -> q.parameterName(ProcessorParameterName.METADATA_EXTRACTION_QUERY)
                                                .parameterValue(LakeDelivery.METADATA_EXTRACTION_QUERY),
                                        q -> q.parameterName(ProcessorParameterName.JSON_PARSING_ENGINE)
                                                .parameterValue(LakeDelivery.JQ_ENGINE))))
                        .dataFormatConversionConfiguration(c -> c.enabled(true)
                                .schemaConfiguration(s -> s.databaseName(LakeDelivery.GLUE_DATABASE)
                                        .tableName(LakeTable.EVENTS)
                                        .roleARN("arn:aws:iam::000000000000:role/tally-lake-delivery")
                                        .region(DevStack.REGION))
                                .inputFormatConfiguration(i -> i.deserializer(s -> s.openXJsonSerDe(o -> { })))
                                .outputFormatConfiguration(o -> o.serializer(s -> s.parquetSerDe(p -> { })))))
                .build();
        try {
            firehose.createDeliveryStream(request);
        } catch (ResourceInUseException exists) {
            // created by an earlier start of this process
        }
    }

    /** An S3 client for s3rver: its fixed credentials, path-style, and no chunked encoding (DESIGN.md). */
    public static S3Client s3Client(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(DevStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3rver.ACCESS_KEY, S3rver.SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).pathStyleAccessEnabled(true).build())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public URI s3Endpoint() {
        return s3rver.endpoint();
    }

    public URI firehoseEndpoint() {
        return firehose.endpoint();
    }

    public URI athenaEndpoint() {
        return athena.endpoint();
    }

    public S3Client s3() {
        return s3;
    }

    public WorkerProcess writer() {
        return writer;
    }

    /** Stops the writer first (it checkpoints), then the Firehose stand-in (it flushes its buffers), then S3. */
    @Override
    public void close() {
        DevStack.closeAll(started);
    }
}
