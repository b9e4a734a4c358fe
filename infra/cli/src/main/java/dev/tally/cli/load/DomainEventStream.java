package dev.tally.cli.load;

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
public final class DomainEventStream {

    /** One record as read: its shard and sequence number, and the event it carries. */
    public record Received(String shardId, String sequenceNumber, byte[] data) {
        public DomainEvent event() {
            return DomainEventCodec.fromJson(data);
        }
    }

    private final KinesisClient kinesis;
    private final String stream;

    public DomainEventStream(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /**
     * Everything on the stream now, per shard in shard order. Each call makes one GetShardIterator and, up to 10,000
     * records a shard, one GetRecords call per shard: callers that read again and again (waiting for events to
     * arrive) leave at least 500 ms between readings to stay within Kinesis's 5 calls per second per shard.
     */
    public Map<String, List<Received>> readAll() {
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
     * Kinesis allows 5 GetRecords calls per second per shard
     * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html); one round over the shards
     * every 250 ms keeps each at 4, also while records keep coming.
     */
    private static final Duration ROUND = Duration.ofMillis(250);

    /**
     * Follows every shard, handing each new record to {@code sink} until {@code keepGoing} says stop. Polls each
     * shard at most once per {@link #ROUND}, busy or not.
     */
    public void follow(boolean fromStart, java.util.function.Consumer<Received> sink, BooleanSupplier keepGoing)
            throws InterruptedException {
        var iterators = new LinkedHashMap<String, String>();
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            iterators.put(shard.shardId(), kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(fromStart ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST)).shardIterator());
        }
        while (keepGoing.getAsBoolean()) {
            long roundStarted = System.nanoTime();
            for (var entry : iterators.entrySet()) {
                var page = kinesis.getRecords(b -> b.shardIterator(entry.getValue()).limit(1000));
                entry.setValue(page.nextShardIterator());
                for (var record : page.records()) {
                    sink.accept(new Received(entry.getKey(), record.sequenceNumber(), record.data().asByteArray()));
                    if (!keepGoing.getAsBoolean()) {
                        return;
                    }
                }
            }
            // pacing a poller, not waiting for a condition: the next round may not start before ROUND has passed
            var rest = ROUND.minusNanos(System.nanoTime() - roundStarted);
            if (rest.isPositive()) {
                Thread.sleep(rest);
            }
        }
    }
}
