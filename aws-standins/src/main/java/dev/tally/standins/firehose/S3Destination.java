package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.glue.GlueTable;
import dev.tally.standins.json.AwsJsonService.Fault;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A delivery stream's
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_ExtendedS3DestinationConfiguration.html">ExtendedS3DestinationConfiguration</a>,
 * checked the way CreateDeliveryStream checks it: the bucket, the prefixes and their expressions, the buffering
 * hints (1 to 128 MiB, 0 to 900 s), dynamic partitioning by a MetadataExtraction query, and the Parquet conversion
 * with its Glue table. A setting the stand-in does not copy is refused with {@code InvalidArgumentException}.
 */
final class S3Destination {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUERY = Pattern.compile("\\s*\\{\\s*(\\w+)\\s*:\\s*\\.(\\w+)\\s*(?:,\\s*(\\w+)\\s*:\\s*\\.(\\w+)\\s*)*}\\s*");
    private static final Pattern QUERY_PAIR = Pattern.compile("(\\w+)\\s*:\\s*\\.(\\w+)");

    /** The configuration as given, for DescribeDeliveryStream. */
    final JsonNode configuration;
    final String bucket;
    final String prefix;
    final String errorPrefix;
    final long bufferBytes;
    final Duration bufferInterval;
    /** Partition key to the record field it is read from, in the query's order; empty without dynamic partitioning. */
    final Map<String, String> partitionQuery;
    final Optional<List<GlueTable.Column>> parquetSchema;
    /** {@code database.table} of the schema, for the error output's {@code dataCatalogTable}. */
    final Optional<String> schemaTable;
    final String extension;

    /** @throws Fault {@code InvalidArgumentException} naming the setting that is wrong */
    S3Destination(JsonNode destination, GlueCatalog glue, Instant created) {
        this.configuration = destination;
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
            var columns = glue.table(schema.path("DatabaseName").asText(), schema.path("TableName").asText())
                    .orElseThrow(() -> new Fault("InvalidArgumentException", "Glue table " + table + " not found"))
                    .columns();
            this.parquetSchema = Optional.of(columns);
            this.schemaTable = Optional.of(table);
        } else {
            this.parquetSchema = Optional.empty();
            this.schemaTable = Optional.empty();
        }
        this.extension = destination.path("FileExtension").asText("");
        try {
            S3Delivery.evaluate(prefix, Map.of(), created);
            S3Delivery.evaluate(errorPrefix, Map.of(), created);
        } catch (IllegalArgumentException e) {
            throw new Fault("InvalidArgumentException", e.getMessage());
        }
    }

    /**
     * The partition keys of a record, by the MetadataExtraction query ({@code Map.of()} without dynamic
     * partitioning).
     *
     * @throws IllegalArgumentException when the record is not JSON or a key's field is missing or not a scalar
     */
    Map<String, String> partitionOf(byte[] data) {
        if (partitionQuery.isEmpty()) {
            return Map.of();
        }
        JsonNode record;
        try {
            record = JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("record is not JSON: " + e.getMessage());
        }
        var partition = new LinkedHashMap<String, String>();
        partitionQuery.forEach((key, field) -> {
            var value = record.path(field);
            if (!value.isValueNode() || value.isNull() || value.asText().isEmpty()) {
                throw new IllegalArgumentException("field ." + field + " for partition key " + key + " is missing or not a scalar");
            }
            partition.put(key, value.asText());
        });
        return partition;
    }

    /**
     * The JQ query of the MetadataExtraction processor, in the one form the stand-in evaluates:
     * {@code {key:.field, ...}}.
     */
    private static Map<String, String> partitionQuery(JsonNode destination) {
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
}
