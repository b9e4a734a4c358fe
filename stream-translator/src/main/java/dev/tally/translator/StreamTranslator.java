package dev.tally.translator;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.tally.contracts.DomainEvent;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.UnreadableEventException;
import dev.tally.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns one batch of DynamoDB stream records into published domain events.
 *
 * <ul>
 *   <li>INSERT records of event items are published; MODIFY and REMOVE records and items of other kinds are
 *   skipped and counted.</li>
 *   <li>DynamoDB Streams orders records per item only, and every event is its own item, so the batch is sorted by
 *   (account, version) before publishing.</li>
 *   <li>An item that cannot be decoded (a poison record) is reported with its reason; the account's later events in
 *   the batch are held back so that its order is kept. Other accounts go ahead.</li>
 *   <li>The result names the first record (by sequence number) that was not published. Lambda resumes the shard
 *   from there; anything after it that was published is published again with the same eventId.</li>
 * </ul>
 */
public final class StreamTranslator {

    /** What one batch came to. {@code firstUnprocessed} is the sequence number to resume from, if any. */
    public record Translation(int published, int skippedNotInsert, int skippedNotEvent, List<String> poisoned,
                              int unpublished, Optional<String> firstUnprocessed) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StreamTranslator.class);

    private final EventPublisher publisher;

    public StreamTranslator(EventPublisher publisher) {
        this.publisher = publisher;
    }

    private record Candidate(String sequenceNumber, DomainEvent event) {
    }

    /**
     * @param log receives one line per poison record, naming it and the reason
     * @throws IllegalArgumentException if a record has no NewImage: the stream's view type is wrong, a deployment
     *                                  error that no retry can fix, so the whole batch fails loudly
     */
    public Translation translate(List<DynamodbStreamRecord> records, Consumer<String> log) {
        int notInsert = 0;
        int notEvent = 0;
        var poisoned = new ArrayList<String>();
        var unprocessed = new ArrayList<String>();
        // account -> the lowest version that could not be decoded; its later events wait, to keep its order
        var blockedFrom = new HashMap<String, Long>();
        var candidates = new ArrayList<Candidate>();
        for (var record : records) {
            if (!"INSERT".equals(record.getEventName())) {
                notInsert++;
                continue;
            }
            var change = record.getDynamodb();
            if (change == null || change.getNewImage() == null) {
                throw new IllegalArgumentException("unexpected StreamViewType "
                        + (change == null ? "(no dynamodb section)" : change.getStreamViewType())
                        + " on record " + record.getEventID() + ": the translator needs NEW_IMAGE or NEW_AND_OLD_IMAGES");
            }
            var item = StreamImages.toSdk(change.getNewImage());
            if (!EventItemCodec.isEvent(item)) {
                notEvent++;
                continue;
            }
            try {
                candidates.add(new Candidate(change.getSequenceNumber(), PublishedEvents.of(EventItemCodec.decode(item))));
            } catch (UnreadableEventException | IllegalArgumentException e) {
                var account = item.containsKey(EventTable.ID) ? item.get(EventTable.ID).s() : "?";
                var version = item.containsKey(EventTable.VERSION) ? item.get(EventTable.VERSION).n() : "0";
                log.accept("poison record " + change.getSequenceNumber() + " (item " + account + "/" + version + "): "
                        + e.getMessage());
                poisoned.add(change.getSequenceNumber());
                unprocessed.add(change.getSequenceNumber());
                blockedFrom.merge(account, parseVersion(version), Math::min);
            }
        }
        candidates.sort(Comparator.comparing((Candidate c) -> c.event().accountId())
                .thenComparingLong(c -> c.event().version()));
        var toPublish = new ArrayList<Candidate>();
        for (var candidate : candidates) {
            var blocked = blockedFrom.get(candidate.event().accountId());
            if (blocked != null && candidate.event().version() > blocked) {
                unprocessed.add(candidate.sequenceNumber());
            } else {
                toPublish.add(candidate);
            }
        }
        var failed = new HashSet<String>();
        publisher.publish(toPublish.stream().map(Candidate::event).toList()).forEach(e -> failed.add(e.eventId()));
        for (var candidate : toPublish) {
            var event = candidate.event();
            if (!failed.contains(event.eventId())) {
                try (var fields = LogContext.forEvent(event.correlationId(), event.accountId(), event.version())) {
                    LOG.info("published {} {}/{} from stream record {}", event.type(), event.accountId(),
                            event.version(), candidate.sequenceNumber());
                }
            }
        }
        Map<String, String> sequenceOf = new HashMap<>();
        toPublish.forEach(c -> sequenceOf.put(c.event().eventId(), c.sequenceNumber()));
        failed.forEach(eventId -> unprocessed.add(sequenceOf.get(eventId)));
        var first = unprocessed.stream().min(Comparator.comparing(BigInteger::new));
        return new Translation(toPublish.size() - failed.size(), notInsert, notEvent, List.copyOf(poisoned),
                unprocessed.size() - poisoned.size(), first);
    }

    private static long parseVersion(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0; // unknown position: hold back all of the account's events
        }
    }
}
