package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The records of one table's stream, in one shard, in the shape of the DynamoDB Streams API's {@code Record}.
 * Kept in memory and, when a folder is given, appended to a file so that they survive a restart. Records older
 * than the 24-hour retention are trimmed, as in AWS.
 */
final class StreamRecordLog {

    static final Duration RETENTION = Duration.ofHours(24);
    /** Sequence numbers are 21-digit decimals, so string and numeric order agree. */
    private static final BigInteger FIRST_SEQUENCE = BigInteger.TEN.pow(20);

    private final ObjectMapper json;
    private final Optional<Path> file;
    private final List<ObjectNode> records = new ArrayList<>();
    private BigInteger lastSequence = FIRST_SEQUENCE;
    private BufferedWriter writer;

    StreamRecordLog(ObjectMapper json, Optional<Path> file) {
        this.json = json;
        this.file = file;
        file.ifPresent(this::load);
    }

    private void load(Path path) {
        try {
            if (Files.exists(path)) {
                for (var line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        var record = (ObjectNode) json.readTree(line);
                        records.add(record);
                        lastSequence = lastSequence.max(new BigInteger(sequenceOf(record)));
                    }
                }
            }
            Files.createDirectories(path.getParent());
            writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stream records from " + path, e);
        }
    }

    static String sequenceOf(JsonNode record) {
        return record.path("dynamodb").path("SequenceNumber").asText();
    }

    /** Assigns the next sequence number, stores the record and returns it. */
    synchronized ObjectNode append(ObjectNode record, Instant now) {
        lastSequence = lastSequence.add(BigInteger.ONE);
        ((ObjectNode) record.get("dynamodb")).put("SequenceNumber", lastSequence.toString());
        records.add(record);
        if (writer != null) {
            try {
                writer.write(json.writeValueAsString(record));
                writer.newLine();
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append a stream record", e);
            }
        }
        trim(now);
        return record;
    }

    private void trim(Instant now) {
        var horizon = now.minus(RETENTION).getEpochSecond();
        while (!records.isEmpty() && records.getFirst().path("dynamodb").path("ApproximateCreationDateTime").asDouble() < horizon) {
            records.removeFirst();
        }
    }

    /** Up to {@code limit} records with sequence numbers above {@code after} (null: from the oldest kept). */
    synchronized List<ObjectNode> after(String after, int limit) {
        int from = after == null ? 0 : firstAbove(new BigInteger(after));
        return new ArrayList<>(records.subList(from, Math.min(records.size(), from + limit)));
    }

    /** The index of the first record whose sequence number is above {@code sequence}: a binary search, as they ascend. */
    private int firstAbove(BigInteger sequence) {
        int low = 0;
        int high = records.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (new BigInteger(sequenceOf(records.get(middle))).compareTo(sequence) > 0) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    synchronized Optional<String> oldestSequence() {
        return records.isEmpty() ? Optional.empty() : Optional.of(sequenceOf(records.getFirst()));
    }

    synchronized String latestSequence() {
        return lastSequence.toString();
    }

    synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // the records were flushed as they were written
            }
        }
    }
}
