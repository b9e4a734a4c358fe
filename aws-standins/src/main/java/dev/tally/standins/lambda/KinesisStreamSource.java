package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kinesis data stream, read through the real {@link KinesisClient} (by name: kinesalite does not take ARNs), as the
 * {@link KinesisEvent}s Lambda's poller builds: {@code eventID} is {@code shardId:sequenceNumber}, the data is the
 * record's bytes, and each record names the stream's ARN and the function's execution role.
 */
final class KinesisStreamSource implements StreamSource<KinesisEvent> {

    private final KinesisClient kinesis;
    private final String streamName;
    private final String streamArn;
    private final String region;
    private final String roleArn;

    KinesisStreamSource(KinesisClient kinesis, String streamName, String region, String functionName) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.streamArn = kinesis.describeStreamSummary(b -> b.streamName(streamName)).streamDescriptionSummary().streamARN();
        this.region = region;
        this.roleArn = "arn:aws:iam::000000000000:role/" + functionName;
    }

    /** Lambda reads each shard once a second: the documented base rate. */
    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(1);
    }

    @Override
    public String arn() {
        return streamArn;
    }

    @Override
    public String batchInfoName() {
        return "KinesisBatchInfo";
    }

    @Override
    public List<String> shardIds() {
        return kinesis.listShards(b -> b.streamName(streamName)).shards().stream().map(Shard::shardId).toList();
    }

    @Override
    public String iterator(String shardId, Optional<String> checkpoint, boolean trimHorizon) {
        return kinesis.getShardIterator(b -> {
            b.streamName(streamName).shardId(shardId);
            if (checkpoint.isPresent()) {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(checkpoint.get());
            } else {
                b.shardIteratorType(trimHorizon ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST);
            }
        }).shardIterator();
    }

    @Override
    public Page read(String iterator, int limit) {
        var page = kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit));
        return new Page(page.records().stream().map(r -> new Polled(r.sequenceNumber(), r.approximateArrivalTimestamp(), r,
                Map.of("sequenceNumber", r.sequenceNumber(), "partitionKey", r.partitionKey()))).toList(),
                page.nextShardIterator());
    }

    @Override
    public KinesisEvent event(String shardId, List<Polled> records) {
        var converted = new ArrayList<KinesisEvent.KinesisEventRecord>(records.size());
        for (var polled : records) {
            var record = (Record) polled.record();
            var kinesisRecord = new KinesisEvent.Record();
            kinesisRecord.setKinesisSchemaVersion("1.0");
            kinesisRecord.setPartitionKey(record.partitionKey());
            kinesisRecord.setSequenceNumber(record.sequenceNumber());
            kinesisRecord.setData(record.data().asByteBuffer());
            kinesisRecord.setApproximateArrivalTimestamp(Date.from(record.approximateArrivalTimestamp()));
            if (record.encryptionTypeAsString() != null) {
                kinesisRecord.setEncryptionType(record.encryptionTypeAsString());
            }
            var lambdaRecord = new KinesisEvent.KinesisEventRecord();
            lambdaRecord.setKinesis(kinesisRecord);
            lambdaRecord.setEventSource("aws:kinesis");
            lambdaRecord.setEventVersion("1.0");
            lambdaRecord.setEventID(shardId + ":" + record.sequenceNumber());
            lambdaRecord.setEventName("aws:kinesis:record");
            lambdaRecord.setInvokeIdentityArn(roleArn);
            lambdaRecord.setAwsRegion(region);
            lambdaRecord.setEventSourceARN(streamArn);
            converted.add(lambdaRecord);
        }
        var event = new KinesisEvent();
        event.setRecords(converted);
        return event;
    }
}
