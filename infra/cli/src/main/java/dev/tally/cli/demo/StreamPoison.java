package dev.tally.cli.demo;

import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Records no subscriber can read, put straight onto {@code domain-events} as anyone with {@code kinesis:PutRecord}
 * could (or {@code aws kinesis put-record}): bytes that are not JSON, an event type Tally never published, and a
 * known type with a schema version newer than any reader knows. Each is put on every shard, so that every shard of
 * every subscription meets all three.
 */
public final class StreamPoison {

    /** What is put, and why a subscriber cannot read it. */
    public record Kind(String label, DeadLetter.Kind parkedAs, byte[] data) {
    }

    public static final List<Kind> KINDS = List.of(
            new Kind("garbage bytes", DeadLetter.Kind.UNREADABLE, new byte[]{(byte) 0xde, (byte) 0xad, 0, (byte) 0xbe, (byte) 0xef}),
            new Kind("an unknown event type", DeadLetter.Kind.UNKNOWN_TYPE,
                    "{\"type\":\"AccountFrozen\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)),
            new Kind("a newer schema version", DeadLetter.Kind.NEWER_SCHEMA_VERSION,
                    ("{\"eventId\":\"0bccb2e0-e659-3e12-b552-823a8843224a\",\"type\":\"BalanceCredited\",\"schemaVersion\":99,"
                            + "\"accountId\":\"41a68280-b21d-4b95-b530-7ac2421056b0\",\"version\":2}").getBytes(StandardCharsets.UTF_8)));

    private StreamPoison() {
    }

    /**
     * Puts every kind on every shard (aimed by each shard's starting hash key).
     *
     * @return the positions ({@code shardId/sequenceNumber}) of the records put
     */
    public static Set<String> putOnEveryShard(KinesisClient kinesis, String stream) {
        var positions = new java.util.HashSet<String>();
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            for (var kind : KINDS) {
                var put = kinesis.putRecord(b -> b.streamName(stream).partitionKey("poison-" + UUID.randomUUID())
                        .explicitHashKey(shard.hashKeyRange().startingHashKey()).data(SdkBytes.fromByteArray(kind.data())));
                positions.add(put.shardId() + "/" + put.sequenceNumber());
            }
        }
        return positions;
    }

    /**
     * The shard Kinesis puts a record with {@code partitionKey} on: the MD5 hash of the key, as a 128-bit unsigned
     * number, falls in one shard's hash key range
     * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html).
     */
    public static String shardOf(KinesisClient kinesis, String stream, String partitionKey) {
        java.math.BigInteger hash;
        try {
            hash = new java.math.BigInteger(1, java.security.MessageDigest.getInstance("MD5")
                    .digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
        return kinesis.listShards(b -> b.streamName(stream)).shards().stream()
                .filter(shard -> hash.compareTo(new java.math.BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                        && hash.compareTo(new java.math.BigInteger(shard.hashKeyRange().endingHashKey())) <= 0)
                .findFirst().orElseThrow().shardId();
    }

    /** The number of shards of {@code stream}. */
    public static int shardCount(KinesisClient kinesis, String stream) {
        return kinesis.listShards(b -> b.streamName(stream)).shards().size();
    }

    /** The dead letters {@code subscription} holds for the records at {@code positions} (none while its table is missing). */
    public static List<DeadLetter> parked(DynamoDbClient dynamo, String subscription, Set<String> positions) {
        try {
            var found = new ArrayList<DeadLetter>();
            for (var letter : new DynamoDeadLetterStore(dynamo, DeadLetterTable.nameFor(subscription)).list(subscription)) {
                if (positions.contains(letter.record().position())) {
                    found.add(letter);
                }
            }
            return found;
        } catch (ResourceNotFoundException e) {
            return List.of();
        }
    }

    /** True if each record is parked once, as the kind it was put as. */
    public static boolean allParkedAsTheirKind(List<DeadLetter> parked, Set<String> positions) {
        return parked.size() == positions.size() && parked.stream().allMatch(letter -> KINDS.stream()
                .anyMatch(kind -> kind.parkedAs() == letter.kind()
                        && java.util.Arrays.equals(kind.data(), letter.record().data())));
    }
}
