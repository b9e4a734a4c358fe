package dev.tally.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeTable;
import dev.tally.local.AwsJsonService.Fault;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 *   prefixes.</li>
 *   <li><b>Record format conversion</b> from JSON (OpenX: field names match columns case-insensitively, unknown
 *   fields are ignored) to Parquet with the schema of a Glue table, registered here with {@link #registerTable}
 *   since there is no local Glue; DuckDB writes the Parquet. A record that does not fit the schema goes to the
 *   error output, not the lake.</li>
 *   <li><b>Object keys</b>: {@code <prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>}; error
 *   documents (the fields Firehose documents: attemptsMade, arrivalTimestamp, lastErrorCode, lastErrorMessage,
 *   rawData, ...) go under the evaluated {@code ErrorOutputPrefix} with {@code error-output-type}
 *   {@code format-conversion-failed} or {@code partitioning-failed}.</li>
 * </ul>
 * A failed S3 write keeps the buffer and is tried again on the next tick, as Firehose retries for up to 24 hours.
 * With a spool folder, accepted records are also on disk until delivered, so a killed process loses nothing it
 * acknowledged (Firehose is durable once it answers); the next process delivers them.
 */
public final class LocalFirehose implements AutoCloseable {

    private static final String TARGET = "Firehose_20150804.";
    private static final String ACCOUNT = "000000000000";
    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    static final int MAX_RECORD_BYTES = 1000 * 1024;
    static final int MAX_ACTIVE_PARTITIONS = 500;
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final Pattern QUERY = Pattern.compile("\\s*\\{\\s*(\\w+)\\s*:\\s*\\.(\\w+)\\s*(?:,\\s*(\\w+)\\s*:\\s*\\.(\\w+)\\s*)*}\\s*");
    private static final Pattern QUERY_PAIR = Pattern.compile("(\\w+)\\s*:\\s*\\.(\\w+)");
    private static final Pattern EXPRESSION = Pattern.compile("!\\{([a-zA-Z]+):([^}]*)}");

    private final ObjectMapper json = new ObjectMapper();
    private final S3Client s3;
    private final String region;
    private final Clock clock;
    private final Optional<Path> spoolDir;
    private final Consumer<String> log;
    private final Map<String, List<LakeTable.Column>> glueTables = new ConcurrentHashMap<>();
    private final Map<String, DeliveryStream> streams = new ConcurrentHashMap<>();
    private final AwsJsonService server;
    private final ScheduledExecutorService ticker;
    private final AtomicInteger rejectNext = new AtomicInteger();
    private volatile String rejectCode = "ServiceUnavailableException";
    private final Connection duckdb;

    /** A delivery stream: its configuration and its open buffers, one per partition. */
    private final class DeliveryStream {
        final String name;
        final String arn;
        final Instant created;
        final JsonNode destination;
        final String bucket;
        final String prefix;
        final String errorPrefix;
        final long bufferBytes;
        final Duration bufferInterval;
        final Map<String, String> partitionQuery;
        final Optional<List<LakeTable.Column>> parquetSchema;
        final Optional<String> schemaTable;
        final String extension;
        final Map<Map<String, String>, Buffer> buffers = new LinkedHashMap<>();

        DeliveryStream(String name, JsonNode destination, Instant created) {
            this.name = name;
            this.arn = "arn:aws:firehose:" + region + ":" + ACCOUNT + ":deliverystream/" + name;
            this.created = created;
            this.destination = destination;
            var bucketArn = destination.path("BucketARN").asText("");
            if (!bucketArn.startsWith("arn:aws:s3:::") || bucketArn.length() <= "arn:aws:s3:::".length()) {
                throw new Fault("InvalidArgumentException", "BucketARN must be arn:aws:s3:::<bucket>, was '" + bucketArn + "'");
            }
            this.bucket = bucketArn.substring("arn:aws:s3:::".length());
            this.prefix = destination.path("Prefix").asText("");
            this.errorPrefix = destination.path("ErrorOutputPrefix").asText("");
            var hints = destination.path("BufferingHints");
            int sizeMb = hints.path("SizeInMBs").asInt(5);
            int seconds = hints.path("IntervalInSeconds").asInt(300);
            if (sizeMb < 1 || sizeMb > 128) {
                throw new Fault("InvalidArgumentException", "BufferingHints.SizeInMBs must be 1 to 128, was " + sizeMb);
            }
            if (seconds < 0 || seconds > 900) {
                throw new Fault("InvalidArgumentException", "BufferingHints.IntervalInSeconds must be 0 to 900, was " + seconds);
            }
            this.bufferBytes = sizeMb * 1024L * 1024;
            this.bufferInterval = Duration.ofSeconds(seconds);
            this.partitionQuery = partitionQuery(destination);
            for (var key : partitionQuery.keySet()) {
                if (!prefix.contains("!{partitionKeyFromQuery:" + key + "}")) {
                    throw new Fault("InvalidArgumentException", "Prefix must use !{partitionKeyFromQuery:" + key + "}, was '"
                            + prefix + "'");
                }
            }
            if (!partitionQuery.isEmpty() && errorPrefix.isEmpty()) {
                throw new Fault("InvalidArgumentException", "ErrorOutputPrefix is required with dynamic partitioning");
            }
            var conversion = destination.path("DataFormatConversionConfiguration");
            if (conversion.path("Enabled").asBoolean(false)) {
                if (!conversion.path("OutputFormatConfiguration").path("Serializer").has("ParquetSerDe")) {
                    throw new Fault("InvalidArgumentException", "the local Firehose converts to Parquet only (ParquetSerDe)");
                }
                var compression = destination.path("CompressionFormat").asText("UNCOMPRESSED");
                if (!compression.equals("UNCOMPRESSED")) {
                    throw new Fault("InvalidArgumentException", "CompressionFormat must be UNCOMPRESSED with format conversion, was "
                            + compression);
                }
                var schema = conversion.path("SchemaConfiguration");
                var table = schema.path("DatabaseName").asText() + "." + schema.path("TableName").asText();
                var columns = glueTables.get(table);
                if (columns == null) {
                    throw new Fault("InvalidArgumentException", "Glue table " + table + " not found");
                }
                this.parquetSchema = Optional.of(columns);
                this.schemaTable = Optional.of(table);
            } else {
                this.parquetSchema = Optional.empty();
                this.schemaTable = Optional.empty();
            }
            this.extension = destination.path("FileExtension").asText("");
            try {
                evaluate(prefix, Map.of(), created);
                evaluate(errorPrefix, Map.of(), created);
            } catch (IllegalArgumentException e) {
                throw new Fault("InvalidArgumentException", e.getMessage());
            }
        }
    }

    /** One partition's buffer, and the spool files that hold its records on disk until they are delivered. */
    private static final class Buffer {
        final List<byte[]> records = new ArrayList<>();
        final List<Instant> arrivals = new ArrayList<>();
        final List<Path> spools = new ArrayList<>();
        Instant opened;
        long bytes;
        Writer spool;

        Buffer(Instant opened) {
            this.opened = opened;
        }

        void add(byte[] data, Instant arrival) {
            records.add(data);
            arrivals.add(arrival);
            bytes += data.length;
        }

        /** Stops writing to the current spool file (its records stay on disk until delivered). */
        void closeSpool() {
            if (spool != null) {
                try {
                    spool.close();
                } catch (IOException ignored) {
                    // the lines written are flushed already
                }
                spool = null;
            }
        }

        void deleteSpools() {
            closeSpool();
            for (var file : spools) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover spool file is delivered again at the next start: a duplicate, never a loss
                }
            }
            spools.clear();
        }
    }

    /**
     * @param port     0 picks a free one
     * @param s3       a client of the S3 the streams deliver to
     * @param spoolDir where accepted records wait on disk until they are delivered, so that a crash of this process
     *                 loses nothing Firehose acknowledged (they are delivered when the stream is created again); empty
     *                 keeps them in memory only
     */
    public LocalFirehose(int port, S3Client s3, String region, Clock clock, Optional<Path> spoolDir, Consumer<String> log) {
        this.s3 = s3;
        this.spoolDir = spoolDir;
        this.region = region;
        this.clock = clock;
        this.log = log;
        try {
            duckdb = DriverManager.getConnection("jdbc:duckdb:");
            try (var statement = duckdb.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB for the Parquet conversion: " + e.getMessage(), e);
        }
        server = new AwsJsonService("firehose", port, 8, TARGET, "message", this::handle);
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("firehose-buffers").daemon().factory());
        ticker.scheduleWithFixedDelay(() -> flushDue(false), 200, 200, TimeUnit.MILLISECONDS);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** The local Glue Data Catalog, in miniature: a table whose schema format conversion may use. */
    public void registerTable(String database, String table, List<LakeTable.Column> columns) {
        glueTables.put(database + "." + table, List.copyOf(columns));
    }

    /** Fault injection for tests: the next {@code records} records put are rejected with {@code errorCode}. */
    public void rejectNext(int records, String errorCode) {
        rejectCode = errorCode;
        rejectNext.set(records);
    }

    /** Records accepted but still buffered, all streams. */
    public synchronized long buffered() {
        return streams.values().stream().flatMap(s -> s.buffers.values().stream()).mapToLong(b -> b.records.size()).sum();
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
        var stream = new DeliveryStream(name, destination, clock.instant());
        if (streams.putIfAbsent(name, stream) != null) {
            throw new Fault("ResourceInUseException", "Firehose " + name + " under account " + ACCOUNT + " already exists.");
        }
        recover(stream);
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
                .set("ExtendedS3DestinationDescription", stream.destination);
        return response;
    }

    private ObjectNode putRecord(JsonNode request) {
        var stream = stream(request);
        var data = decode(request.path("Record"));
        checkRecordSize(data, "record.data");
        var result = accept(stream, List.of(data)).getFirst();
        if (result.errorCode != null) {
            throw new Fault(result.errorCode, result.errorMessage);
        }
        return json.createObjectNode().put("RecordId", result.recordId).put("Encrypted", false);
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
        response.put("FailedPutCount", results.stream().filter(r -> r.errorCode != null).count());
        response.put("Encrypted", false);
        var responses = response.putArray("RequestResponses");
        for (var result : results) {
            var entry = responses.addObject();
            if (result.errorCode == null) {
                entry.put("RecordId", result.recordId);
            } else {
                entry.put("ErrorCode", result.errorCode).put("ErrorMessage", result.errorMessage);
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

    // ---------------------------------------------------------------- buffering and partitioning

    private record PutResult(String recordId, String errorCode, String errorMessage) {
    }

    private List<PutResult> accept(DeliveryStream stream, List<byte[]> records) {
        var results = new ArrayList<PutResult>(records.size());
        var now = clock.instant();
        var failed = new ArrayList<ErrorDocument>();
        var touched = new java.util.LinkedHashSet<Buffer>();
        synchronized (this) {
            for (var data : records) {
                if (rejectNext.get() > 0 && rejectNext.getAndDecrement() > 0) {
                    results.add(new PutResult(null, rejectCode, "Slow down."));
                    continue;
                }
                results.add(new PutResult(UUID.randomUUID().toString().replace("-", "") + "0", null, null));
                Map<String, String> partition;
                try {
                    partition = partitionOf(stream, data);
                } catch (IllegalArgumentException e) {
                    failed.add(new ErrorDocument(data, now, "DynamicPartitioning.MetadataExtractionFailed", e.getMessage()));
                    continue;
                }
                var buffer = stream.buffers.get(partition);
                if (buffer == null) {
                    if (stream.buffers.size() >= MAX_ACTIVE_PARTITIONS) {
                        failed.add(new ErrorDocument(data, now, "DynamicPartitioning.ActivePartitionsLimitExceeded",
                                "more than " + MAX_ACTIVE_PARTITIONS + " active partitions"));
                        continue;
                    }
                    buffer = new Buffer(now);
                    stream.buffers.put(partition, buffer);
                }
                spool(stream, buffer, partition, data, now);
                buffer.add(data, now);
                touched.add(buffer);
            }
            for (var buffer : touched) {
                flushSpool(buffer);
            }
        }
        if (!failed.isEmpty()) {
            writeErrors(stream, "partitioning-failed", failed);
        }
        return results;
    }

    private Map<String, String> partitionOf(DeliveryStream stream, byte[] data) {
        if (stream.partitionQuery.isEmpty()) {
            return Map.of();
        }
        JsonNode record;
        try {
            record = json.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("record is not JSON: " + e.getMessage());
        }
        var partition = new LinkedHashMap<String, String>();
        stream.partitionQuery.forEach((key, field) -> {
            var value = record.path(field);
            if (!value.isValueNode() || value.isNull() || value.asText().isEmpty()) {
                throw new IllegalArgumentException("field ." + field + " for partition key " + key + " is missing or not a scalar");
            }
            partition.put(key, value.asText());
        });
        return partition;
    }

    private Map<String, String> partitionQuery(JsonNode destination) {
        if (!destination.path("DynamicPartitioningConfiguration").path("Enabled").asBoolean(false)) {
            return Map.of();
        }
        var query = new LinkedHashMap<String, String>();
        for (var processor : destination.path("ProcessingConfiguration").path("Processors")) {
            if (!processor.path("Type").asText().equals("MetadataExtraction")) {
                throw new Fault("InvalidArgumentException", "the local Firehose supports only the MetadataExtraction processor, not "
                        + processor.path("Type").asText());
            }
            for (var parameter : processor.path("Parameters")) {
                if (parameter.path("ParameterName").asText().equals("MetadataExtractionQuery")) {
                    var text = parameter.path("ParameterValue").asText();
                    if (!QUERY.matcher(text).matches()) {
                        throw new Fault("InvalidArgumentException", "the local Firehose supports MetadataExtractionQuery "
                                + "of the form {key:.field, ...}, not " + text);
                    }
                    var pairs = QUERY_PAIR.matcher(text);
                    while (pairs.find()) {
                        query.put(pairs.group(1), pairs.group(2));
                    }
                }
            }
        }
        if (query.isEmpty()) {
            throw new Fault("InvalidArgumentException", "dynamic partitioning needs a MetadataExtraction processor with a query");
        }
        return query;
    }

    // ---------------------------------------------------------------- spool

    /** Appends an accepted record to its buffer's spool file: a JSON line with the partition, arrival and data. */
    private void spool(DeliveryStream stream, Buffer buffer, Map<String, String> partition, byte[] data, Instant arrival) {
        if (spoolDir.isEmpty()) {
            return;
        }
        try {
            if (buffer.spool == null) {
                var dir = spoolDir.get().resolve(stream.name);
                Files.createDirectories(dir);
                var file = dir.resolve(UUID.randomUUID() + ".ndjson");
                buffer.spool = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                buffer.spools.add(file);
            }
            var line = json.createObjectNode().put("arrival", arrival.toEpochMilli())
                    .put("data", Base64.getEncoder().encodeToString(data));
            var keys = line.putObject("partition");
            partition.forEach(keys::put);
            buffer.spool.write(line.toString());
            buffer.spool.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a record for " + stream.name, e);
        }
    }

    private static void flushSpool(Buffer buffer) {
        if (buffer.spool != null) {
            try {
                buffer.spool.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool records", e);
            }
        }
    }

    /** Puts the records a previous process accepted but did not deliver back into the stream's buffers. */
    private void recover(DeliveryStream stream) {
        if (spoolDir.isEmpty() || !Files.isDirectory(spoolDir.get().resolve(stream.name))) {
            return;
        }
        int recovered = 0;
        try (var files = Files.list(spoolDir.get().resolve(stream.name))) {
            for (var file : files.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                Buffer buffer = null;
                for (var line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode entry;
                    try {
                        entry = json.readTree(line);
                    } catch (IOException torn) {
                        continue; // the last line of a crash may be half-written; it was never acknowledged
                    }
                    if (entry == null || !entry.has("data")) {
                        continue;
                    }
                    var partition = new LinkedHashMap<String, String>();
                    entry.path("partition").properties().forEach(e -> partition.put(e.getKey(), e.getValue().asText()));
                    var arrival = Instant.ofEpochMilli(entry.path("arrival").asLong());
                    synchronized (this) {
                        var target = stream.buffers.computeIfAbsent(partition, p -> new Buffer(arrival));
                        if (arrival.isBefore(target.opened)) {
                            target.opened = arrival;
                        }
                        target.add(Base64.getDecoder().decode(entry.path("data").asText()), arrival);
                        if (buffer != target) {
                            target.spools.add(file);
                            buffer = target;
                        }
                    }
                    recovered++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool of " + stream.name, e);
        }
        if (recovered > 0) {
            log.accept("firehose: " + recovered + " records accepted before a restart are buffered again for " + stream.name);
        }
    }

    // ---------------------------------------------------------------- delivery

    /** Takes the due buffers (all of them if {@code all}) and delivers them; a failed delivery is put back. */
    private void flushDue(boolean all) {
        var now = clock.instant();
        for (var stream : streams.values()) {
            var due = new LinkedHashMap<Map<String, String>, Buffer>();
            synchronized (this) {
                var iterator = stream.buffers.entrySet().iterator();
                while (iterator.hasNext()) {
                    var entry = iterator.next();
                    var buffer = entry.getValue();
                    if (all || buffer.bytes >= stream.bufferBytes
                            || !Duration.between(buffer.opened, now).minus(stream.bufferInterval).isNegative()) {
                        buffer.closeSpool();
                        due.put(entry.getKey(), buffer);
                        iterator.remove();
                    }
                }
            }
            due.forEach((partition, buffer) -> {
                try {
                    deliver(stream, partition, buffer);
                    buffer.deleteSpools();
                } catch (RuntimeException e) {
                    log.accept("firehose: delivery of " + buffer.records.size() + " records to s3://" + stream.bucket
                            + " failed, will retry: " + e);
                    synchronized (this) {
                        var newer = stream.buffers.put(partition, buffer);
                        if (newer != null) {
                            newer.closeSpool();
                            buffer.records.addAll(newer.records);
                            buffer.arrivals.addAll(newer.arrivals);
                            buffer.spools.addAll(newer.spools);
                            buffer.bytes += newer.bytes;
                        }
                    }
                }
            });
        }
    }

    private record ErrorDocument(byte[] data, Instant arrival, String code, String message) {
    }

    private void deliver(DeliveryStream stream, Map<String, String> partition, Buffer buffer) {
        var prefix = evaluate(stream.prefix, partition, buffer.opened);
        var key = prefix + stream.name + "-1-" + KEY_TIME.format(buffer.opened) + "-" + UUID.randomUUID() + stream.extension;
        if (stream.parquetSchema.isEmpty()) {
            var body = new java.io.ByteArrayOutputStream();
            buffer.records.forEach(body::writeBytes);
            s3.putObject(b -> b.bucket(stream.bucket).key(key), RequestBody.fromBytes(body.toByteArray()));
            return;
        }
        var columns = stream.parquetSchema.get();
        var rows = new StringBuilder();
        var failed = new ArrayList<ErrorDocument>();
        int converted = 0;
        for (int i = 0; i < buffer.records.size(); i++) {
            try {
                rows.append(json.writeValueAsString(ParquetRow.convert(json, buffer.records.get(i), columns))).append('\n');
                converted++;
            } catch (IllegalArgumentException | IOException e) {
                failed.add(new ErrorDocument(buffer.records.get(i), buffer.arrivals.get(i),
                        "DataFormatConversion.MalformedData", e.getMessage()));
            }
        }
        if (converted > 0) {
            writeParquet(stream.bucket, key, columns, rows.toString());
        }
        if (!failed.isEmpty()) {
            writeErrors(stream, "format-conversion-failed", failed);
        }
    }

    private void writeParquet(String bucket, String key, List<LakeTable.Column> columns, String rows) {
        try {
            var dir = Files.createTempDirectory("tally-firehose-");
            var input = dir.resolve("rows.json");
            var output = dir.resolve("rows.parquet");
            try {
                Files.writeString(input, rows);
                var types = columns.stream().map(c -> "'" + c.name() + "': '" + DuckDbEngine.duckType(c.type()) + "'")
                        .collect(Collectors.joining(", "));
                synchronized (duckdb) {
                    try (var statement = duckdb.createStatement()) {
                        statement.execute("COPY (SELECT * FROM read_json(" + DuckDbEngine.literal(input.toString())
                                + ", format = 'newline_delimited', columns = {" + types + "}, "
                                + "timestampformat = '%Y-%m-%d %H:%M:%S.%g')) TO " + DuckDbEngine.literal(output.toString())
                                + " (FORMAT parquet, COMPRESSION snappy)");
                    }
                }
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(output));
            } finally {
                Files.deleteIfExists(input);
                Files.deleteIfExists(output);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet for " + key, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot convert to Parquet for " + key + ": " + e.getMessage(), e);
        }
    }

    private void writeErrors(DeliveryStream stream, String outputType, List<ErrorDocument> documents) {
        var now = clock.instant();
        var lines = new StringBuilder();
        for (var document : documents) {
            var node = json.createObjectNode()
                    .put("attemptsMade", 1)
                    .put("arrivalTimestamp", document.arrival().toEpochMilli())
                    .put("lastErrorCode", document.code())
                    .put("lastErrorMessage", document.message())
                    .put("attemptEndingTimestamp", now.toEpochMilli())
                    .put("rawData", Base64.getEncoder().encodeToString(document.data()));
            stream.schemaTable.ifPresent(table -> node.putObject("dataCatalogTable")
                    .put("catalogId", ACCOUNT)
                    .put("databaseName", table.substring(0, table.indexOf('.')))
                    .put("tableName", table.substring(table.indexOf('.') + 1))
                    .put("region", region));
            lines.append(node).append('\n');
        }
        var values = new HashMap<String, String>();
        values.put("error-output-type", outputType);
        var key = evaluate(stream.errorPrefix, values, now) + stream.name + "-1-" + KEY_TIME.format(now) + "-" + UUID.randomUUID();
        s3.putObject(b -> b.bucket(stream.bucket).key(key), RequestBody.fromString(lines.toString(), StandardCharsets.UTF_8));
        log.accept("firehose: " + documents.size() + " records to the error output s3://" + stream.bucket + "/" + key);
    }

    /** Replaces {@code !{namespace:value}} expressions in a prefix. */
    private static String evaluate(String prefix, Map<String, String> values, Instant time) {
        var matcher = EXPRESSION.matcher(prefix);
        var result = new StringBuilder();
        while (matcher.find()) {
            var namespace = matcher.group(1);
            var argument = matcher.group(2);
            var replacement = switch (namespace) {
                case "partitionKeyFromQuery" -> values.getOrDefault(argument, "");
                case "timestamp" -> DateTimeFormatter.ofPattern(argument).withZone(ZoneOffset.UTC).format(time);
                case "firehose" -> switch (argument) {
                    case "error-output-type" -> values.getOrDefault(argument, "");
                    case "random-string" -> UUID.randomUUID().toString().replace("-", "").substring(0, 11);
                    default -> throw new IllegalArgumentException("unknown expression !{firehose:" + argument + "}");
                };
                default -> throw new IllegalArgumentException("unknown expression !{" + namespace + ":" + argument + "}");
            };
            matcher.appendReplacement(result, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
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
        try {
            duckdb.close();
        } catch (SQLException ignored) {
            // in-memory
        }
    }

    /** For tests: stops like a killed process, delivering nothing; spooled records stay on disk. */
    void crash() {
        server.close();
        ticker.shutdownNow();
        synchronized (this) {
            streams.values().forEach(stream -> stream.buffers.values().forEach(Buffer::closeSpool));
        }
    }

    @Override
    public String toString() {
        return "Firehose stand-in on " + endpoint();
    }
}
