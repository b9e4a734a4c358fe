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
    /** The newest sequence number a reader can see: behind {@link #lastSequence} while records wait for the file. */
    private String lastVisible = FIRST_SEQUENCE.toString();
    private BufferedWriter writer;
    /** Records appended, and how many of them are in the file: both counted from this process's start. */
    private long appended;
    private long written;
    /** Records not yet in the file (nor shown to readers), oldest first. */
    private List<ObjectNode> unwritten = new ArrayList<>();
    /** Why the file cannot be written any more, once a write failed. */
    private volatile IOException broken;
    /** Held by the one appender writing to the file. */
    private final Object fileLock = new Object();

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
                        lastVisible = lastSequence.toString();
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

    /**
     * Assigns the next sequence number, stores the record and returns it. With a file, the record is in the file
     * before it is returned or shown to a reader: a write the proxy acknowledges, and any record a reader has seen
     * (and maybe checkpointed), survives a restart of the process (the file is flushed to the OS, not synced to disk), and its sequence number is never handed out twice.
     *
     * <p>Group commit: records wait in {@link #unwritten} and whichever appender takes the {@link #fileLock} first
     * writes and flushes all of them at once; the appenders queued behind it find theirs already written. Under load
     * one write call then carries many records, instead of one call per record with every writer queued on it.
     */
    ObjectNode append(ObjectNode record, Instant now) {
        long sequence;
        synchronized (this) {
            if (broken != null) {
                // no sequence number, and no record kept, for what can no longer reach the file
                throw new UncheckedIOException("stream records can no longer be written", broken);
            }
            lastSequence = lastSequence.add(BigInteger.ONE);
            ((ObjectNode) record.get("dynamodb")).put("SequenceNumber", lastSequence.toString());
            if (writer == null) {
                records.add(record);
                lastVisible = lastSequence.toString();
                trim(now);
                return record;
            }
            unwritten.add(record);
            sequence = ++appended;
        }
        awaitWritten(sequence, now);
        return record;
    }

    private void awaitWritten(long sequence, Instant now) {
        synchronized (fileLock) {
            if (broken != null) {
                // the batch that failed may have held this record: never acknowledge what may not be in the file
                throw new UncheckedIOException("stream records can no longer be written", broken);
            }
            if (written >= sequence) {
                return;
            }
            List<ObjectNode> batch;
            long upTo;
            synchronized (this) {
                batch = unwritten;
                unwritten = new ArrayList<>();
                upTo = appended;
            }
            try {
                for (var record : batch) {
                    writer.write(json.writeValueAsString(record));
                    writer.newLine();
                }
                writer.flush();
            } catch (IOException e) {
                broken = e;
                throw new UncheckedIOException("cannot append stream records", e);
            }
            synchronized (this) {
                records.addAll(batch);
                if (!batch.isEmpty()) {
                    lastVisible = sequenceOf(batch.getLast());
                }
                trim(now);
            }
            written = upTo;
        }
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

    /** The newest record's sequence number, among those a reader can see (a LATEST iterator starts after it). */
    synchronized String latestSequence() {
        return lastVisible;
    }

    void close() {
        synchronized (fileLock) {
            closeFile();
        }
    }

    private synchronized void closeFile() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // every acknowledged record was flushed before its append returned
            }
        }
    }
}
