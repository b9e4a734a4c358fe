package dev.tally.subscriptions;

import dev.tally.observability.Invocation;
import dev.tally.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.LinkedHashMap;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Lambda way to subscribe: a handler for a Kinesis event-source mapping on {@code domain-events}, with
 * {@code ReportBatchItemFailures} on. Extend it with a no-argument constructor that builds the {@link Subscription}
 * (Lambda builds the handler once per instance, so clients and tables are made once):
 *
 * <pre>{@code
 * public final class AlertsFunction extends KinesisSubscriptionHandler {
 *     public AlertsFunction() {
 *         super(Subscription.perEventInOrder("alerts", new Alerts(...), Runnable::run, positions, new GapPolicy.Park(),
 *                 deadLetters, Subscription.DEFAULT_RETRIES, Clock.systemUTC()));
 *     }
 * }
 * }</pre>
 *
 * Every record of the batch ends handled or parked, and the answer is an empty failure list. When the subscription
 * holds the batch instead (an outage, or the function stopping), the answer names the batch's first record, so Lambda
 * retries the whole batch as the mapping's retry settings say: positions make what was already handled a duplicate
 * the handler does not see again. A mapping's on-failure destination thus only ever receives whole batches held for
 * longer than its retries or maximum record age allow.
 */
public abstract class KinesisSubscriptionHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSubscriptionHandler.class);

    private final Subscription subscription;

    protected KinesisSubscriptionHandler(Subscription subscription) {
        this.subscription = Objects.requireNonNull(subscription, "subscription");
    }

    @Override
    public final StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        var records = records(event);
        if (records.isEmpty()) {
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        }
        long started = System.nanoTime();
        try (var invocation = Invocation.begin(subscription.name(), context)) {
            try {
                var outcome = subscription.process(records);
                try (var done = outcome("processed", started)) {
                    LOG.info("{}: {} record(s) from {}: {} handled, {} parked, {} duplicate(s)", subscription.name(),
                            records.size(), records.getFirst().position(), outcome.handled(), outcome.parked(),
                            outcome.duplicates());
                }
                return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
            } catch (RuntimeException e) {
                // held, or the dead-letter store failed: nothing after the first record may be checkpointed
                try (var done = outcome("held", started)) {
                    if (e instanceof SubscriptionHeldException) {
                        // expected: an outage, a gap being waited for, or a stop; the reason says which
                        LOG.warn("{}: batch from {} held, to be delivered again: {}", subscription.name(),
                                records.getFirst().position(), e.getMessage());
                    } else {
                        LOG.error("{}: batch from {} held, to be delivered again", subscription.name(),
                                records.getFirst().position(), e);
                    }
                }
                return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure
                        .builder().withItemIdentifier(records.getFirst().sequenceNumber()).build())).build();
            }
        }
    }

    private static LogContext outcome(String outcome, long startedNanos) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(LogContext.OUTCOME, outcome);
        fields.put(LogContext.DURATION_MS, (System.nanoTime() - startedNanos) / 1_000_000);
        return LogContext.with(fields);
    }

    /** The event's records as the kit takes them; the shard id is the part of Lambda's event id before the colon. */
    static List<StreamRecord> records(KinesisEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        var records = new ArrayList<StreamRecord>(event.getRecords().size());
        for (var record : event.getRecords()) {
            var kinesis = record.getKinesis();
            var eventId = record.getEventID();
            var shardId = eventId != null && eventId.contains(":") ? eventId.substring(0, eventId.indexOf(':')) : "shard";
            var buffer = kinesis.getData().duplicate();
            var data = new byte[buffer.remaining()];
            buffer.get(data);
            records.add(new StreamRecord(shardId, kinesis.getSequenceNumber(), kinesis.getPartitionKey(), data,
                    kinesis.getApproximateArrivalTimestamp().toInstant()));
        }
        return records;
    }

    /** The subscription, for its stats, a test or a shutdown hook. */
    public final Subscription subscription() {
        return subscription;
    }
}
