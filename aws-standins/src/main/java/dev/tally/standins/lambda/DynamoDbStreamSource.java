package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A DynamoDB stream, read through the real {@link DynamoDbStreamsClient}, as {@link DynamodbEvent}s. */
final class DynamoDbStreamSource implements StreamSource<DynamodbEvent> {

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;

    DynamoDbStreamSource(DynamoDbStreamsClient streams, String streamArn, String region) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
    }

    /** Lambda reads each shard 4 times a second: the documented base rate. */
    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(250);
    }

    @Override
    public String arn() {
        return streamArn;
    }

    @Override
    public String batchInfoName() {
        return "DDBStreamBatchInfo";
    }

    @Override
    public List<String> shardIds() {
        return streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().stream()
                .map(Shard::shardId).toList();
    }

    @Override
    public String iterator(String shardId, Optional<String> checkpoint, boolean trimHorizon) {
        return streams.getShardIterator(b -> {
            b.streamArn(streamArn).shardId(shardId);
            if (checkpoint.isPresent()) {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint.get());
            } else {
                b.shardIteratorType(trimHorizon ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST);
            }
        }).shardIterator();
    }

    @Override
    public Page read(String iterator, int limit) {
        var page = streams.getRecords(b -> b.shardIterator(iterator).limit(limit));
        return new Page(page.records().stream().map(DynamoDbStreamSource::polled).toList(), page.nextShardIterator());
    }

    private static Polled polled(Record record) {
        var change = record.dynamodb();
        return new Polled(change.sequenceNumber(), change.approximateCreationDateTime(), record, Map.of(
                "sequenceNumber", change.sequenceNumber(),
                "eventName", record.eventNameAsString(),
                "keys", change.keys().toString()));
    }

    @Override
    public DynamodbEvent event(String shardId, List<Polled> records) {
        return DynamodbEvents.of(records.stream().map(p -> (Record) p.record()).toList(), streamArn, region);
    }
}
