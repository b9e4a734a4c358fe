package dev.tally.translator;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import dev.tally.resilience.BatchLimits;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Publishes to a Kinesis stream with {@code PutRecords}, the account id as partition key, so that each account's
 * events land on one shard in order.
 *
 * <p>Calls stay within the API's limits (500 records and 5 MiB per call;
 * <a href="https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html">PutRecords</a>). Kinesis
 * may reject single entries (throttling) while accepting later ones; the retry then re-sends the rejected entry
 * <em>and every later entry of the same account</em>, so that the last copy of each event on the shard follows its
 * predecessors. Consumers drop the earlier copies as duplicates (same eventId and version).
 */
public final class KinesisEventPublisher implements EventPublisher {

    static final BatchLimits PUT_RECORDS_LIMITS = new BatchLimits(500, 5 * 1024 * 1024);
    private static final Backoff RETRIES = new Backoff(6, Duration.ofMillis(100), Duration.ofSeconds(2));

    private final KinesisClient kinesis;
    private final String streamName;

    public KinesisEventPublisher(KinesisClient kinesis, String streamName) {
        this.kinesis = kinesis;
        this.streamName = streamName;
    }

    @Override
    public List<DomainEvent> publish(List<DomainEvent> events) {
        // each event is encoded once, however often it is sent
        var encoded = new HashMap<String, SdkBytes>();
        events.forEach(e -> encoded.put(e.eventId(), SdkBytes.fromByteArray(DomainEventCodec.toJson(e))));
        var pending = List.copyOf(events);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            var failed = new ArrayList<DomainEvent>();
            for (var chunk : chunks(pending, e -> encoded.get(e.eventId()).asByteArrayUnsafe().length)) {
                failed.addAll(putRecords(chunk, encoded));
            }
            if (failed.isEmpty() || !RETRIES.allowsAttemptAfter(attempt)) {
                return failed;
            }
            pending = withLaterEventsOfSameAccounts(pending, failed);
            pause(attempt);
        }
        return List.of();
    }

    /** The failed events plus, per account, every event after its first failure, in the original order. */
    private static List<DomainEvent> withLaterEventsOfSameAccounts(List<DomainEvent> sent, List<DomainEvent> failed) {
        var failedIds = new HashSet<String>();
        failed.forEach(e -> failedIds.add(e.eventId()));
        var blockedAccounts = new HashSet<String>();
        var again = new ArrayList<DomainEvent>();
        for (var event : sent) {
            if (failedIds.contains(event.eventId())) {
                blockedAccounts.add(event.accountId());
            }
            if (blockedAccounts.contains(event.accountId())) {
                again.add(event);
            }
        }
        return again;
    }

    private List<DomainEvent> putRecords(List<DomainEvent> chunk, Map<String, SdkBytes> encoded) {
        var entries = chunk.stream().map(event -> PutRecordsRequestEntry.builder()
                .partitionKey(event.accountId())
                .data(encoded.get(event.eventId()))
                .build()).toList();
        try {
            var response = kinesis.putRecords(b -> b.streamName(streamName).records(entries));
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return List.of();
            }
            var failed = new ArrayList<DomainEvent>();
            for (int i = 0; i < chunk.size(); i++) {
                if (response.records().get(i).errorCode() != null) {
                    failed.add(chunk.get(i));
                }
            }
            return failed;
        } catch (SdkException e) {
            // the whole call failed (throttled, network): every entry is retried
            return chunk;
        }
    }

    /** Consecutive slices within the per-call record and byte limits. */
    static List<List<DomainEvent>> chunks(List<DomainEvent> events) {
        return chunks(events, e -> DomainEventCodec.toJson(e).length);
    }

    /** @param dataSize the size of each event's record data in bytes; the partition key counts too */
    private static List<List<DomainEvent>> chunks(List<DomainEvent> events, ToIntFunction<DomainEvent> dataSize) {
        return PUT_RECORDS_LIMITS.split(events,
                event -> dataSize.applyAsInt(event) + event.accountId().getBytes(StandardCharsets.UTF_8).length);
    }

    private static void pause(int attempt) {
        try {
            RETRIES.pauseAfter(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying PutRecords", e);
        }
    }
}
