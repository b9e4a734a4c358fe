package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.standins.glue.GlueTable;
import dev.tally.standins.glue.GlueTypes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Delivery of a buffer to S3 as an extended-S3 destination writes it:
 *
 * <ul>
 *   <li>the <a href="https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html">object key</a>
 *   {@code <prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>}, with the
 *   <a href="https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html">prefix expressions</a>
 *   {@code !{partitionKeyFromQuery:...}}, {@code !{timestamp:...}} and {@code !{firehose:...}} evaluated;</li>
 *   <li>the records as they came, or, with format conversion, as Parquet with the Glue table's schema (DuckDB
 *   writes it);</li>
 *   <li>records that cannot be converted or partitioned as
 *   <a href="https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion-error-handling.html">error documents</a>
 *   (attemptsMade, arrivalTimestamp, lastErrorCode, lastErrorMessage, rawData, ...) under the evaluated
 *   {@code ErrorOutputPrefix}, with {@code error-output-type} {@code format-conversion-failed} or
 *   {@code partitioning-failed}.</li>
 * </ul>
 */
final class S3Delivery implements AutoCloseable {

    /** A record for the error output, with the reason it is there. */
    record ErrorDocument(byte[] data, Instant arrival, String code, String message) {
    }

    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final Pattern EXPRESSION = Pattern.compile("!\\{([a-zA-Z]+):([^}]*)}");

    private final ObjectMapper json = new ObjectMapper();
    private final S3Client s3;
    private final String region;
    private final Clock clock;
    private final Consumer<String> log;
    private final Connection duckdb;

    S3Delivery(S3Client s3, String region, Clock clock, Consumer<String> log) {
        this.s3 = s3;
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
    }

    /**
     * Writes one partition's buffer as one object (and its misfits to the error output).
     *
     * @throws RuntimeException when S3 or the conversion fails: the caller keeps the buffer and tries again
     */
    void deliver(DeliveryStream stream, Map<String, String> partition, PartitionBuffer buffer) {
        var destination = stream.destination;
        var prefix = evaluate(destination.prefix, partition, buffer.opened);
        var key = prefix + stream.name + "-1-" + KEY_TIME.format(buffer.opened) + "-" + UUID.randomUUID() + destination.extension;
        if (destination.parquetSchema.isEmpty()) {
            var body = new ByteArrayOutputStream();
            buffer.records.forEach(body::writeBytes);
            s3.putObject(b -> b.bucket(destination.bucket).key(key), RequestBody.fromBytes(body.toByteArray()));
            return;
        }
        var columns = destination.parquetSchema.get();
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
            writeParquet(destination.bucket, key, columns, rows.toString());
        }
        if (!failed.isEmpty()) {
            writeErrors(stream, "format-conversion-failed", failed);
        }
    }

    private void writeParquet(String bucket, String key, List<GlueTable.Column> columns, String rows) {
        try {
            var dir = Files.createTempDirectory("tally-firehose-");
            var input = dir.resolve("rows.json");
            var output = dir.resolve("rows.parquet");
            try {
                Files.writeString(input, rows);
                var types = columns.stream().map(c -> "'" + c.name() + "': '" + GlueTypes.duckDbType(c.type()) + "'")
                        .collect(Collectors.joining(", "));
                synchronized (duckdb) {
                    try (var statement = duckdb.createStatement()) {
                        statement.execute("COPY (SELECT * FROM read_json(" + GlueTypes.literal(input.toString())
                                + ", format = 'newline_delimited', columns = {" + types + "}, "
                                + "timestampformat = '%Y-%m-%d %H:%M:%S.%g')) TO " + GlueTypes.literal(output.toString())
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

    /** Writes records to the error output as one object of JSON lines, one error document each. */
    void writeErrors(DeliveryStream stream, String outputType, List<ErrorDocument> documents) {
        var destination = stream.destination;
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
            destination.schemaTable.ifPresent(table -> node.putObject("dataCatalogTable")
                    .put("catalogId", LocalFirehose.ACCOUNT)
                    .put("databaseName", table.substring(0, table.indexOf('.')))
                    .put("tableName", table.substring(table.indexOf('.') + 1))
                    .put("region", region));
            lines.append(node).append('\n');
        }
        var values = new HashMap<String, String>();
        values.put("error-output-type", outputType);
        var key = evaluate(destination.errorPrefix, values, now) + stream.name + "-1-" + KEY_TIME.format(now) + "-" + UUID.randomUUID();
        s3.putObject(b -> b.bucket(destination.bucket).key(key), RequestBody.fromString(lines.toString(), StandardCharsets.UTF_8));
        log.accept("firehose: " + documents.size() + " records to the error output s3://" + destination.bucket + "/" + key);
    }

    /**
     * Replaces the {@code !{namespace:value}} expressions in a prefix.
     *
     * @param values the partition keys, and {@code error-output-type} for the error output
     * @throws IllegalArgumentException for an expression Firehose does not have
     */
    static String evaluate(String prefix, Map<String, String> values, Instant time) {
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
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    @Override
    public void close() {
        try {
            duckdb.close();
        } catch (SQLException ignored) {
            // in-memory
        }
    }
}
