package dev.tally.subscriptions;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How far behind a subscription is on one shard, measured on the stream itself from where the subscription is done
 * (its checkpoint), whatever runs it: the first record after that position is the oldest one not handled yet, and
 * its age is the lag (what Lambda reports as IteratorAge). No record after it: caught up. Kinesis's own
 * {@code MillisBehindLatest} is not used, since kinesalite always answers 0.
 */
public final class StreamLag {

    /** Reads that may come back empty before a record on a sparse shard: Kinesis may answer empty pages first. */
    private static final int EMPTY_READS = 5;

    /**
     * @param position    the last sequence number the subscription is done with, or a description of where it starts
     * @param oldestUnhandledArrival when the first record not handled yet arrived; empty if caught up
     */
    public record Shard(String shardId, String position, Optional<Instant> oldestUnhandledArrival, Duration lag) {
        public boolean caughtUp() {
            return oldestUnhandledArrival.isEmpty();
        }
    }

    private StreamLag() {
    }

    /**
     * @param doneWith the last sequence number handled on the shard (a checkpoint), or KCL's {@code SHARD_END};
     *                 empty if none yet
     * @param from     where a subscription with no checkpoint starts: a timestamp, or empty for the trim horizon
     */
    public static Shard probe(KinesisClient kinesis, String stream, String shardId, Optional<String> doneWith,
                              Optional<Instant> from, Clock clock) {
        if (doneWith.filter(KclLeaseTable.SHARD_END::equals).isPresent()) {
            return new Shard(shardId, KclLeaseTable.SHARD_END, Optional.empty(), Duration.ZERO);
        }
        var iterator = kinesis.getShardIterator(b -> {
            b.streamName(stream).shardId(shardId);
            if (doneWith.isPresent()) {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(doneWith.get());
            } else if (from.isPresent()) {
                b.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(from.get());
            } else {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            }
        }).shardIterator();
        var position = doneWith.orElseGet(() -> from.map(at -> "not started (from " + at + ")").orElse("not started (from the trim horizon)"));
        long behind = 0;
        for (int read = 0; read < EMPTY_READS && iterator != null; read++) {
            var current = iterator;
            var page = kinesis.getRecords(b -> b.shardIterator(current).limit(1));
            if (!page.records().isEmpty()) {
                var arrived = page.records().getFirst().approximateArrivalTimestamp();
                return new Shard(shardId, position, Optional.of(arrived), Duration.between(arrived, clock.instant()));
            }
            behind = page.millisBehindLatest() == null ? 0 : page.millisBehindLatest();
            if (behind == 0) {
                return new Shard(shardId, position, Optional.empty(), Duration.ZERO);
            }
            iterator = page.nextShardIterator();
        }
        if (iterator == null) {
            // a closed shard read to its end
            return new Shard(shardId, position, Optional.empty(), Duration.ZERO);
        }
        // only empty pages so far, but Kinesis says there is more: behind by what it says, not caught up
        var at = clock.instant().minusMillis(behind);
        return new Shard(shardId, position, Optional.of(at), Duration.ofMillis(behind));
    }
}
