package dev.tally.subscriptions;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of the {@code domain-events} stream as it arrived, before anything is made of its bytes: whatever the
 * transport (a KCL worker, a Lambda on Kinesis, a replay), this is what the kit handles and, if it must, parks.
 *
 * @param partitionKey the account id, as Tally publishes it
 * @param arrivedAt    when Kinesis accepted it (its approximate arrival timestamp)
 */
public record StreamRecord(String shardId, String sequenceNumber, String partitionKey, byte[] data, Instant arrivedAt) {

    public StreamRecord {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(arrivedAt, "arrivedAt");
    }

    /** Where the record is on the stream: {@code shardId/sequenceNumber}, unique per stream. */
    public String position() {
        return shardId + "/" + sequenceNumber;
    }
}
