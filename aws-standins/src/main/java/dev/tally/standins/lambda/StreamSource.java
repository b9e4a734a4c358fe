package dev.tally.standins.lambda;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link EventSourceMapping} polls, through the service's real client: a DynamoDB stream
 * ({@link DynamoDbStreamSource}) or a Kinesis data stream ({@link KinesisStreamSource}). Everything else a mapping
 * does (batching, retries, bisecting, the on-failure destination, checkpoints) is the same for both, as in Lambda.
 *
 * @param <E> the event the function is invoked with
 */
interface StreamSource<E> {

    /** One record as polled: what the mapping needs of it, and the record itself for the function's event. */
    record Polled(String sequenceNumber, Instant arrivedAt, Object record, Map<String, String> summary) {
    }

    record Page(List<Polled> records, String nextIterator) {
    }

    String arn();

    /**
     * How often Lambda reads each shard of this kind of stream, at most: a DynamoDB stream 4 times a second, a
     * Kinesis stream (standard iterator) once a second. Reading faster would be throttled in AWS, where the reads
     * of a shard are shared by all its consumers.
     */
    java.time.Duration pollInterval();

    /** The name of the batch description in Lambda's on-failure invocation record, e.g. {@code KinesisBatchInfo}. */
    String batchInfoName();

    List<String> shardIds();

    /** An iterator after {@code checkpoint}, or at the horizon or the tip when there is none. */
    String iterator(String shardId, Optional<String> checkpoint, boolean trimHorizon);

    Page read(String iterator, int limit);

    /** The event Lambda would invoke the function with for {@code records}, in order. */
    E event(String shardId, List<Polled> records);
}
