package dev.tally.standins.firehose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One partition's buffer, and the spool files that hold its records on disk until they are delivered. Not
 * thread-safe: its {@link DeliveryStream} guards it, and a buffer taken for delivery belongs to the deliverer.
 */
final class PartitionBuffer {

    final List<byte[]> records = new ArrayList<>();
    final List<Instant> arrivals = new ArrayList<>();
    /** The spool files holding this buffer's records, each once. */
    final List<Path> spools = new ArrayList<>();
    /** When the first record arrived: the buffer interval counts from here. */
    Instant opened;
    long bytes;
    /** The spool file new records are appended to, or null until the next record opens one. */
    private Writer spool;

    PartitionBuffer(Instant opened) {
        this.opened = opened;
    }

    void add(byte[] data, Instant arrival) {
        records.add(data);
        arrivals.add(arrival);
        bytes += data.length;
    }

    /** Firehose delivers a buffer when it reaches the size hint or the interval hint, whichever comes first. */
    boolean due(long sizeHint, Duration intervalHint, Instant now) {
        return bytes >= sizeHint || !Duration.between(opened, now).minus(intervalHint).isNegative();
    }

    /** Appends an accepted record to this buffer's current spool file, opening one if there is none. */
    void spool(Spool spool, String stream, Map<String, String> partition, byte[] data, Instant arrival) {
        if (!spool.enabled()) {
            return;
        }
        try {
            if (this.spool == null) {
                var file = spool.newFile(stream);
                this.spool = Spool.open(file);
                spools.add(file);
            }
            this.spool.write(Spool.line(partition, data, arrival));
            this.spool.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a record for " + stream, e);
        }
    }

    /** Pushes the lines written to disk: once the caller is answered, its records must survive a crash. */
    void flushSpool() {
        if (spool != null) {
            try {
                spool.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool records", e);
            }
        }
    }

    /** Notes that a spool file written by an earlier process holds some of this buffer's records. */
    void recovered(Path file) {
        if (!spools.contains(file)) {
            spools.add(file);
        }
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

    /** Deletes the spool files once the records are delivered. */
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

    /** Takes over the records of a newer buffer of the same partition, after a failed delivery of this one. */
    void absorb(PartitionBuffer newer) {
        newer.closeSpool();
        records.addAll(newer.records);
        arrivals.addAll(newer.arrivals);
        spools.addAll(newer.spools);
        bytes += newer.bytes;
    }
}
