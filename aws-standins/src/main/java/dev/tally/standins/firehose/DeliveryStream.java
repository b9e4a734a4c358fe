package dev.tally.standins.firehose;

import dev.tally.standins.firehose.S3Delivery.ErrorDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A Direct PUT delivery stream: its name, ARN and S3 destination, and its open buffers, one per partition (at most
 * {@value #MAX_ACTIVE_PARTITIONS}, the dynamic-partitioning quota). Thread-safe: the API threads add records while
 * the ticker takes the buffers that are due.
 */
final class DeliveryStream {

    static final int MAX_ACTIVE_PARTITIONS = 500;

    final String name;
    final String arn;
    final Instant created;
    final S3Destination destination;
    private final Map<Map<String, String>, PartitionBuffer> buffers = new LinkedHashMap<>();

    DeliveryStream(String name, String arn, Instant created, S3Destination destination) {
        this.name = name;
        this.arn = arn;
        this.created = created;
        this.destination = destination;
    }

    /**
     * Buffers accepted records by partition, spooling them first, all under one lock so that a batch is buffered
     * whole.
     *
     * @return the records that cannot be partitioned, for the {@code partitioning-failed} error output
     */
    synchronized List<ErrorDocument> add(List<byte[]> records, Instant now, Spool spool) {
        var failed = new ArrayList<ErrorDocument>();
        var touched = new LinkedHashSet<PartitionBuffer>();
        for (var data : records) {
            Map<String, String> partition;
            try {
                partition = destination.partitionOf(data);
            } catch (IllegalArgumentException e) {
                failed.add(new ErrorDocument(data, now, "DynamicPartitioning.MetadataExtractionFailed", e.getMessage()));
                continue;
            }
            var buffer = buffers.get(partition);
            if (buffer == null) {
                if (buffers.size() >= MAX_ACTIVE_PARTITIONS) {
                    failed.add(new ErrorDocument(data, now, "DynamicPartitioning.ActivePartitionsLimitExceeded",
                            "more than " + MAX_ACTIVE_PARTITIONS + " active partitions"));
                    continue;
                }
                buffer = new PartitionBuffer(now);
                buffers.put(partition, buffer);
            }
            buffer.spool(spool, name, partition, data, now);
            buffer.add(data, now);
            touched.add(buffer);
        }
        touched.forEach(PartitionBuffer::flushSpool);
        return failed;
    }

    /** Removes and returns the buffers that are due by the buffering hints at {@code now} (all of them if {@code all}). */
    synchronized Map<Map<String, String>, PartitionBuffer> takeDue(boolean all, Instant now) {
        var due = new LinkedHashMap<Map<String, String>, PartitionBuffer>();
        var iterator = buffers.entrySet().iterator();
        while (iterator.hasNext()) {
            var entry = iterator.next();
            var buffer = entry.getValue();
            if (all || buffer.due(destination.bufferBytes, destination.bufferInterval, now)) {
                buffer.closeSpool();
                due.put(entry.getKey(), buffer);
                iterator.remove();
            }
        }
        return due;
    }

    /** Puts back a buffer whose delivery failed, ahead of any records that arrived for its partition since. */
    synchronized void putBack(Map<String, String> partition, PartitionBuffer buffer) {
        var newer = buffers.put(partition, buffer);
        if (newer != null) {
            buffer.absorb(newer);
        }
    }

    /** Buffers again the records a previous process accepted but did not deliver. */
    int recover(Spool spool) {
        return spool.recover(name, entry -> {
            synchronized (this) {
                var target = buffers.computeIfAbsent(entry.partition(), p -> new PartitionBuffer(entry.arrival()));
                if (entry.arrival().isBefore(target.opened)) {
                    target.opened = entry.arrival();
                }
                target.add(entry.data(), entry.arrival());
                target.recovered(entry.file());
            }
        });
    }

    /** Records accepted but not yet delivered. */
    synchronized long buffered() {
        return buffers.values().stream().mapToLong(b -> b.records.size()).sum();
    }

    /** Stops writing every spool file, as a killed process would; the records stay on disk. */
    synchronized void closeSpools() {
        buffers.values().forEach(PartitionBuffer::closeSpool);
    }
}
