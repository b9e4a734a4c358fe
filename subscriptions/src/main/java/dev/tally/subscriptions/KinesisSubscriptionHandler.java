package dev.tally.subscriptions;

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
 *                 deadLetters, Subscription.DEFAULT_RETRIES, Clock.systemUTC(), System.out::println));
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
        try {
            var outcome = subscription.process(records);
            context.getLogger().log(subscription.name() + ": " + records.size() + " record(s) from "
                    + records.getFirst().position() + ": " + outcome.handled() + " handled, " + outcome.parked()
                    + " parked, " + outcome.duplicates() + " duplicate(s)");
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        } catch (RuntimeException e) {
            // held, or the dead-letter store failed: nothing after the first record may be checkpointed
            context.getLogger().log(subscription.name() + ": batch from " + records.getFirst().position()
                    + " held, to be delivered again: " + e);
            return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure
                    .builder().withItemIdentifier(records.getFirst().sequenceNumber()).build())).build();
        }
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
