package dev.tally.local;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Reads the published domain events from Kinesis, shard by shard, as any subscriber would. */
final class DomainEventStream {

    /** One record as read: its shard and sequence number, and the event it carries. */
    record Received(String shardId, String sequenceNumber, byte[] data) {
        DomainEvent event() {
            return DomainEventCodec.fromJson(data);
        }
    }

    private final KinesisClient kinesis;
    private final String stream;

    DomainEventStream(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** Everything on the stream now, per shard in shard order. */
    Map<String, List<Received>> readAll() {
        var byShard = new LinkedHashMap<String, List<Received>>();
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            var received = new ArrayList<Received>();
            var iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                var current = iterator;
                var page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                page.records().forEach(r -> received.add(new Received(shard.shardId(), r.sequenceNumber(), r.data().asByteArray())));
                if (page.records().isEmpty() || Long.valueOf(0).equals(page.millisBehindLatest())) {
                    break;
                }
                iterator = page.nextShardIterator();
            }
            byShard.put(shard.shardId(), received);
        }
        return byShard;
    }

    /**
     * Follows every shard, handing each new record to {@code sink} until {@code keepGoing} says stop. Polls each
     * shard at most 4 times a second (Kinesis allows 5 GetRecords calls per shard per second).
     */
    void follow(boolean fromStart, java.util.function.Consumer<Received> sink, BooleanSupplier keepGoing)
            throws InterruptedException {
        var iterators = new LinkedHashMap<String, String>();
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            iterators.put(shard.shardId(), kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(fromStart ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST)).shardIterator());
        }
        while (keepGoing.getAsBoolean()) {
            boolean any = false;
            for (var entry : iterators.entrySet()) {
                var page = kinesis.getRecords(b -> b.shardIterator(entry.getValue()).limit(1000));
                entry.setValue(page.nextShardIterator());
                for (var record : page.records()) {
                    any = true;
                    sink.accept(new Received(entry.getKey(), record.sequenceNumber(), record.data().asByteArray()));
                    if (!keepGoing.getAsBoolean()) {
                        return;
                    }
                }
            }
            if (!any) {
                Thread.sleep(Duration.ofMillis(250));
            }
        }
    }
}
