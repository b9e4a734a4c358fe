package dev.tally.translator;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import dev.tally.resilience.RetryableFailures;
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
import java.util.Set;
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
    /**
     * Error codes of single PutRecords entries that may pass; the other KMS errors (a disabled or missing key, access
     * denied) do not.
     */
    private static final Set<String> RETRYABLE_ENTRY_ERRORS =
            Set.of("ProvisionedThroughputExceededException", "InternalFailure", "KMSThrottlingException");

    private final KinesisClient kinesis;
    private final String streamName;

    public KinesisEventPublisher(KinesisClient kinesis, String streamName) {
        this.kinesis = kinesis;
        this.streamName = streamName;
    }

    /** What one call left unpublished, and which of those no retry will publish. */
    private record Round(List<DomainEvent> failed, List<DomainEvent> hopeless) {
    }

    /**
     * {@inheritDoc}
     *
     * <p>Only failures that may pass are sent again: throttled or internally failed entries, and calls that failed
     * with throttling, a 5xx or a broken connection. An entry or a call refused in a way no retry changes (access
     * denied, no such stream, a disabled KMS key) is returned as unpublished at once, and so is every later event of
     * its account, so that the account's order holds.
     */
    @Override
    public List<DomainEvent> publish(List<DomainEvent> events) {
        // each event is encoded once, however often it is sent
        var encoded = new HashMap<String, SdkBytes>();
        events.forEach(e -> encoded.put(e.eventId(), SdkBytes.fromByteArray(DomainEventCodec.toJson(e))));
        var givenUp = new ArrayList<DomainEvent>();
        var pending = List.copyOf(events);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            var failed = new ArrayList<DomainEvent>();
            var hopelessAccounts = new HashSet<String>();
            for (var chunk : chunks(pending, e -> encoded.get(e.eventId()).asByteArrayUnsafe().length)) {
                var round = putRecords(chunk, encoded);
                failed.addAll(round.failed());
                round.hopeless().forEach(e -> hopelessAccounts.add(e.accountId()));
            }
            var retryable = new ArrayList<DomainEvent>();
            for (var event : failed) {
                (hopelessAccounts.contains(event.accountId()) ? givenUp : retryable).add(event);
            }
            if (retryable.isEmpty()) {
                return givenUp;
            }
            if (!RETRIES.allowsAttemptAfter(attempt)) {
                givenUp.addAll(retryable);
                return givenUp;
            }
            pending = withLaterEventsOfSameAccounts(pending, retryable);
            pause(attempt);
        }
        return givenUp;
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

    private Round putRecords(List<DomainEvent> chunk, Map<String, SdkBytes> encoded) {
        var entries = chunk.stream().map(event -> PutRecordsRequestEntry.builder()
                .partitionKey(event.accountId())
                .data(encoded.get(event.eventId()))
                .build()).toList();
        try {
            var response = kinesis.putRecords(b -> b.streamName(streamName).records(entries));
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                return new Round(List.of(), List.of());
            }
            var failed = new ArrayList<DomainEvent>();
            var hopeless = new ArrayList<DomainEvent>();
            for (int i = 0; i < chunk.size(); i++) {
                var errorCode = response.records().get(i).errorCode();
                if (errorCode != null) {
                    failed.add(chunk.get(i));
                    if (!RETRYABLE_ENTRY_ERRORS.contains(errorCode)) {
                        hopeless.add(chunk.get(i));
                    }
                }
            }
            return new Round(failed, hopeless);
        } catch (SdkException e) {
            // the whole call failed: every entry is unpublished, and worth sending again only if the failure may pass
            return new Round(chunk, RetryableFailures.isRetryable(e) ? List.of() : chunk);
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
