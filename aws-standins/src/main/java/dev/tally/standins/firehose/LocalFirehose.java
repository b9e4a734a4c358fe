package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.json.AwsJsonService.Fault;
import dev.tally.standins.json.AwsJsonService;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Amazon Data Firehose for one machine: the
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_Operations.html">Firehose API</a> on
 * 127.0.0.1 for what Tally uses (CreateDeliveryStream, DescribeDeliveryStream, PutRecord, PutRecordBatch), delivering
 * to S3 (s3rver) the way an extended-S3 Direct PUT stream does:
 *
 * <ul>
 *   <li><b>Limits and errors</b> as the API documents them: at most 500 records and 4 MiB per PutRecordBatch,
 *   1,000 KiB per record, {@code ResourceNotFoundException} for an unknown stream, per-record
 *   {@code ErrorCode}/{@code ErrorMessage} with {@code FailedPutCount} for rejected entries (see
 *   {@link #rejectNext}).</li>
 *   <li><b>Buffering</b> per partition by size ({@code SizeInMBs}) and time ({@code IntervalInSeconds}), whichever
 *   comes first; closing the stand-in flushes every buffer, so nothing accepted is lost on a clean stop.</li>
 *   <li><b>Dynamic partitioning</b> with a MetadataExtraction processor whose JQ query has the form
 *   {@code {key:.field, ...}} (the subset Tally uses; anything else is refused at creation), at most 500 active
 *   partitions, {@code !{partitionKeyFromQuery:key}}, {@code !{timestamp:...}} and {@code !{firehose:...}} in
 *   prefixes ({@link S3Destination}).</li>
 *   <li><b>Record format conversion</b> from JSON (OpenX: field names match columns case-insensitively, unknown
 *   fields are ignored) to Parquet with the schema of a Glue table, read from the
 *   {@link GlueCatalog} given; DuckDB writes the Parquet. A record that does not fit the schema goes to the
 *   error output, not the lake.</li>
 *   <li><b>Object keys and error documents</b> named and shaped as Firehose writes them ({@link S3Delivery}).</li>
 * </ul>
 * A failed S3 write keeps the buffer and is tried again on the next tick, as Firehose retries for up to 24 hours.
 * With a spool folder, accepted records are also on disk until delivered, so a killed process loses nothing it
 * acknowledged (Firehose is durable once it answers); the next process delivers them ({@link Spool}).
 */
public final class LocalFirehose implements AutoCloseable {

    private static final String TARGET = "Firehose_20150804.";
    static final String ACCOUNT = "000000000000";
    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    static final int MAX_RECORD_BYTES = 1000 * 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final String region;
    private final Clock clock;
    private final Consumer<String> log;
    private final GlueCatalog glue;
    private final Spool spool;
    private final S3Delivery delivery;
    private final Map<String, DeliveryStream> streams = new ConcurrentHashMap<>();
    private final AwsJsonService server;
    private final ScheduledExecutorService ticker;
    private final AtomicInteger rejectNext = new AtomicInteger();
    private volatile String rejectCode = "ServiceUnavailableException";

    /**
     * @param port     0 picks a free one
     * @param s3       a client of the S3 the streams deliver to
     * @param glue     the catalog whose tables give the schema of record format conversion
     * @param spoolDir where accepted records wait on disk until they are delivered, so that a crash of this process
     *                 loses nothing Firehose acknowledged (they are delivered when the stream is created again); empty
     *                 keeps them in memory only
     */
    public LocalFirehose(int port, S3Client s3, GlueCatalog glue, String region, Clock clock, Optional<Path> spoolDir, Consumer<String> log) {
        this.glue = glue;
        this.region = region;
        this.clock = clock;
        this.log = log;
        this.spool = new Spool(spoolDir);
        this.delivery = new S3Delivery(s3, region, clock, log);
        server = new AwsJsonService("firehose", port, 8, TARGET, "message", this::handle);
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("firehose-buffers").daemon().factory());
        ticker.scheduleWithFixedDelay(() -> flushDue(false), 200, 200, TimeUnit.MILLISECONDS);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** Fault injection for tests: the next {@code records} records put are rejected with {@code errorCode}. */
    public void rejectNext(int records, String errorCode) {
        rejectCode = errorCode;
        rejectNext.set(records);
    }

    /** Records accepted but still buffered, all streams. */
    public long buffered() {
        return streams.values().stream().mapToLong(DeliveryStream::buffered).sum();
    }

    /** Delivers every buffer now, whatever its age or size. */
    public void flush() {
        flushDue(true);
    }

    // ---------------------------------------------------------------- API

    private ObjectNode handle(String operation, JsonNode request) {
        return switch (operation) {
            case "CreateDeliveryStream" -> create(request);
            case "DescribeDeliveryStream" -> describe(request);
            case "PutRecord" -> putRecord(request);
            case "PutRecordBatch" -> putRecordBatch(request);
            default -> throw new Fault("UnknownOperationException", "the local Firehose does not implement " + operation);
        };
    }

    private ObjectNode create(JsonNode request) {
        var name = required(request, "DeliveryStreamName");
        var type = request.path("DeliveryStreamType").asText("DirectPut");
        if (!type.equals("DirectPut")) {
            throw new Fault("InvalidArgumentException", "the local Firehose supports DeliveryStreamType DirectPut only, was " + type);
        }
        var destination = request.path("ExtendedS3DestinationConfiguration");
        if (destination.isMissingNode()) {
            throw new Fault("InvalidArgumentException", "ExtendedS3DestinationConfiguration is required (the only destination here)");
        }
        var created = clock.instant();
        var stream = new DeliveryStream(name, "arn:aws:firehose:" + region + ":" + ACCOUNT + ":deliverystream/" + name,
                created, new S3Destination(destination, glue, created));
        if (streams.putIfAbsent(name, stream) != null) {
            throw new Fault("ResourceInUseException", "Firehose " + name + " under account " + ACCOUNT + " already exists.");
        }
        int recovered = stream.recover(spool);
        if (recovered > 0) {
            log.accept("firehose: " + recovered + " records accepted before a restart are buffered again for " + name);
        }
        return json.createObjectNode().put("DeliveryStreamARN", stream.arn);
    }

    private ObjectNode describe(JsonNode request) {
        var stream = stream(request);
        var response = json.createObjectNode();
        var description = response.putObject("DeliveryStreamDescription")
                .put("DeliveryStreamName", stream.name)
                .put("DeliveryStreamARN", stream.arn)
                .put("DeliveryStreamStatus", "ACTIVE")
                .put("DeliveryStreamType", "DirectPut")
                .put("VersionId", "1")
                .put("CreateTimestamp", stream.created.toEpochMilli() / 1000.0)
                .put("HasMoreDestinations", false);
        description.putArray("Destinations").addObject()
                .put("DestinationId", "destinationId-000000000001")
                .set("ExtendedS3DestinationDescription", stream.destination.configuration);
        return response;
    }

    private ObjectNode putRecord(JsonNode request) {
        var stream = stream(request);
        var data = decode(request.path("Record"));
        checkRecordSize(data, "record.data");
        var result = accept(stream, List.of(data)).getFirst();
        if (result.errorCode() != null) {
            throw new Fault(result.errorCode(), result.errorMessage());
        }
        return json.createObjectNode().put("RecordId", result.recordId()).put("Encrypted", false);
    }

    private ObjectNode putRecordBatch(JsonNode request) {
        var stream = stream(request);
        var records = request.path("Records");
        if (records.size() < 1 || records.size() > MAX_BATCH_RECORDS) {
            throw new Fault("ValidationException", "1 validation error detected: Value at 'records' failed to "
                    + "satisfy constraint: Member must have length between 1 and " + MAX_BATCH_RECORDS + " (was " + records.size() + ")");
        }
        var data = new ArrayList<byte[]>();
        long total = 0;
        for (int i = 0; i < records.size(); i++) {
            var bytes = decode(records.get(i));
            checkRecordSize(bytes, "records." + (i + 1) + ".member.data");
            total += bytes.length;
            data.add(bytes);
        }
        if (total > MAX_BATCH_BYTES) {
            throw new Fault("InvalidArgumentException", "Records size exceeds 4 MiB limit (was " + total + " bytes)");
        }
        var results = accept(stream, data);
        var response = json.createObjectNode();
        response.put("FailedPutCount", results.stream().filter(r -> r.errorCode() != null).count());
        response.put("Encrypted", false);
        var responses = response.putArray("RequestResponses");
        for (var result : results) {
            var entry = responses.addObject();
            if (result.errorCode() == null) {
                entry.put("RecordId", result.recordId());
            } else {
                entry.put("ErrorCode", result.errorCode()).put("ErrorMessage", result.errorMessage());
            }
        }
        return response;
    }

    private DeliveryStream stream(JsonNode request) {
        var name = required(request, "DeliveryStreamName");
        var stream = streams.get(name);
        if (stream == null) {
            throw new Fault("ResourceNotFoundException", "Firehose " + name + " under account " + ACCOUNT + " not found.");
        }
        return stream;
    }

    private static String required(JsonNode request, String field) {
        var value = request.path(field).asText("");
        if (value.isEmpty()) {
            throw new Fault("ValidationException", "1 validation error detected: Value null at '"
                    + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static byte[] decode(JsonNode record) {
        try {
            return Base64.getDecoder().decode(record.path("Data").asText(""));
        } catch (IllegalArgumentException e) {
            throw new Fault("SerializationException", "record Data is not base64: " + e.getMessage());
        }
    }

    private static void checkRecordSize(byte[] data, String field) {
        if (data.length > MAX_RECORD_BYTES) {
            throw new Fault("ValidationException", "1 validation error detected: Value at '" + field
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + MAX_RECORD_BYTES);
        }
    }

    // ---------------------------------------------------------------- accepting and delivering

    private record PutResult(String recordId, String errorCode, String errorMessage) {
    }

    /**
     * Answers each record of a put, in order: the first ones rejected while {@link #rejectNext} has rejections left,
     * the rest accepted and buffered (a record that cannot be partitioned is still accepted, as Firehose accepts it,
     * and goes to the error output).
     */
    private List<PutResult> accept(DeliveryStream stream, List<byte[]> records) {
        var now = clock.instant();
        int rejected = Math.clamp(rejectNext.getAndUpdate(left -> Math.max(0, left - records.size())), 0, records.size());
        var results = new ArrayList<PutResult>(records.size());
        for (int i = 0; i < records.size(); i++) {
            results.add(i < rejected ? new PutResult(null, rejectCode, "Slow down.")
                    : new PutResult(UUID.randomUUID().toString().replace("-", "") + "0", null, null));
        }
        var failed = stream.add(records.subList(rejected, records.size()), now, spool);
        if (!failed.isEmpty()) {
            delivery.writeErrors(stream, "partitioning-failed", failed);
        }
        return results;
    }

    /** Takes the due buffers (all of them if {@code all}) and delivers them; a failed delivery is put back. */
    private void flushDue(boolean all) {
        var now = clock.instant();
        for (var stream : streams.values()) {
            stream.takeDue(all, now).forEach((partition, buffer) -> {
                try {
                    delivery.deliver(stream, partition, buffer);
                    buffer.deleteSpools();
                } catch (RuntimeException e) {
                    log.accept("firehose: delivery of " + buffer.records.size() + " records to s3://" + stream.destination.bucket
                            + " failed, will retry: " + e);
                    stream.putBack(partition, buffer);
                }
            });
        }
    }

    /** Stops taking requests and delivers every buffer: records accepted are not lost on a clean stop. */
    @Override
    public void close() {
        server.close();
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushDue(true);
        long left = buffered();
        if (left > 0) {
            log.accept("firehose: " + left + " buffered records could not be delivered at shutdown");
        }
        delivery.close();
    }

    /** Fault injection for tests: stops like a killed process, delivering nothing; spooled records stay on disk. */
    public void crash() {
        server.close();
        ticker.shutdownNow();
        streams.values().forEach(DeliveryStream::closeSpools);
    }

    @Override
    public String toString() {
        return "Firehose stand-in on " + endpoint();
    }
}
