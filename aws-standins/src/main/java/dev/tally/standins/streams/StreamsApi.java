package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.standins.json.AwsJsonService.Fault;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;

/**
 * The <a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html">DynamoDB
 * Streams API</a> over the recorded streams: ListStreams, DescribeStream, GetShardIterator and GetRecords, with
 * the API's limits (at most 1,000 records per GetRecords) and errors ({@code ResourceNotFoundException},
 * {@code ValidationException}, and {@code ExpiredIteratorException} for an iterator over 15 minutes old).
 */
final class StreamsApi {

    static final String TARGET = "DynamoDBStreams_20120810.";
    private static final int MAX_GET_RECORDS = 1000;
    /** AWS: a shard iterator expires 15 minutes after it is returned. */
    private static final Duration ITERATOR_LIFETIME = Duration.ofMinutes(15);

    private final ObjectMapper json;
    private final Clock clock;
    private final StreamedTables tables;

    StreamsApi(ObjectMapper json, Clock clock, StreamedTables tables) {
        this.json = json;
        this.clock = clock;
        this.tables = tables;
    }

    ObjectNode handle(String operation, JsonNode request) {
        return switch (operation) {
            case "ListStreams" -> listStreams(request);
            case "DescribeStream" -> describeStream(request);
            case "GetShardIterator" -> getShardIterator(request);
            case "GetRecords" -> getRecords(request);
            default -> throw new Fault("UnknownOperationException", "unsupported operation " + operation);
        };
    }

    private ObjectNode listStreams(JsonNode request) {
        var response = json.createObjectNode();
        var streams = response.putArray("Streams");
        var only = request.path("TableName").asText(null);
        tables.all().stream()
                .filter(t -> only == null || t.tableName().equals(only))
                .sorted(Comparator.comparing(StreamedTable::streamArn))
                .forEach(t -> streams.addObject().put("StreamArn", t.streamArn()).put("TableName", t.tableName())
                        .put("StreamLabel", t.label()));
        return response;
    }

    private StreamedTable byArn(String arn) {
        return tables.byArn(arn).orElseThrow(() -> new Fault("ResourceNotFoundException",
                "Requested resource not found: Stream: " + arn + " not found"));
    }

    private ObjectNode describeStream(JsonNode request) {
        var table = byArn(request.path("StreamArn").asText());
        var log = tables.log(table);
        var response = json.createObjectNode();
        var description = response.putObject("StreamDescription")
                .put("StreamArn", table.streamArn())
                .put("StreamLabel", table.label())
                .put("StreamStatus", "ENABLED")
                .put("StreamViewType", table.viewType())
                .put("CreationRequestDateTime", table.createdAt().getEpochSecond())
                .put("TableName", table.tableName());
        description.set("KeySchema", table.keySchema());
        var shard = description.putArray("Shards").addObject().put("ShardId", table.shardId());
        shard.putObject("SequenceNumberRange").put("StartingSequenceNumber",
                log.oldestSequence().orElse(log.latestSequence()));
        return response;
    }

    private ObjectNode getShardIterator(JsonNode request) {
        var table = byArn(request.path("StreamArn").asText());
        var shardId = request.path("ShardId").asText();
        if (!shardId.equals(table.shardId())) {
            throw new Fault("ResourceNotFoundException", "Requested resource not found: Shard: " + shardId
                    + " in Stream: " + table.streamArn() + " not found");
        }
        var type = request.path("ShardIteratorType").asText();
        var sequence = request.path("SequenceNumber").asText(null);
        String after = switch (type) {
            case "TRIM_HORIZON" -> "";
            case "LATEST" -> tables.log(table).latestSequence();
            case "AT_SEQUENCE_NUMBER" -> new BigInteger(requireSequence(type, sequence)).subtract(BigInteger.ONE).toString();
            case "AFTER_SEQUENCE_NUMBER" -> requireSequence(type, sequence);
            default -> throw new Fault("ValidationException", "1 validation error detected: Value '" + type
                    + "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]");
        };
        return json.createObjectNode().put("ShardIterator", iterator(table, after));
    }

    private static String requireSequence(String type, String sequence) {
        if (sequence == null || !sequence.matches("\\d{1,40}")) {
            throw new Fault("ValidationException", type + " needs a SequenceNumber, was " + sequence);
        }
        return sequence;
    }

    /** An iterator is the stream, the shard, the sequence number to read after (empty: the oldest) and when it was made. */
    private String iterator(StreamedTable table, String after) {
        var text = table.streamArn() + "|" + table.shardId() + "|" + after + "|" + clock.millis();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode getRecords(JsonNode request) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(request.path("ShardIterator").asText()), StandardCharsets.UTF_8)
                    .split("\\|", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 4) {
            throw new Fault("ValidationException", "Invalid ShardIterator: " + request.path("ShardIterator").asText());
        }
        if (clock.millis() - Long.parseLong(parts[3]) > ITERATOR_LIFETIME.toMillis()) {
            throw new Fault("ExpiredIteratorException", "Iterator expired");
        }
        var table = byArn(parts[0]);
        int limit = request.path("Limit").asInt(MAX_GET_RECORDS);
        if (limit < 1 || limit > MAX_GET_RECORDS) {
            throw new Fault("ValidationException", "Limit must be between 1 and 1000, was " + limit);
        }
        var records = tables.log(table).after(parts[2].isEmpty() ? null : parts[2], limit);
        var response = json.createObjectNode();
        var out = response.putArray("Records");
        records.forEach(out::add);
        var next = records.isEmpty() ? parts[2] : StreamRecordLog.sequenceOf(records.getLast());
        response.put("NextShardIterator", iterator(table, next));
        return response;
    }
}
