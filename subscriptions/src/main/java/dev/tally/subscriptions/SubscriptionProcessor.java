package dev.tally.subscriptions;

import dev.tally.resilience.Backoff;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A shard's record processor for a {@link Subscription}: each batch is handled or parked, and only then
 * checkpointed. A bad record is parked, so it never holds the shard.
 *
 * <p>What does hold it is an outage: events failing alike, not by their own fault ({@link Subscription#OUTAGE_AFTER}),
 * or the subscription's own dead-letter store failing, so that a record can be neither handled nor parked and
 * checkpointing past it would lose it. Then the batch is delivered again after a pause that grows to
 * {@link #OUTAGE_PAUSE_CAP}, each attempt logged, until it goes through or the subscription is stopped
 * ({@link Subscription#stop()}; KCL itself tells a record processor of a lost lease only after it returns). At
 * shutdown a batch that was delivered but not finished is never checkpointed.
 */
public final class SubscriptionProcessor implements ShardRecordProcessor {

    static final Duration OUTAGE_PAUSE_CAP = Duration.ofSeconds(30);
    private static final Backoff OUTAGE = new Backoff(Integer.MAX_VALUE, Duration.ofSeconds(1), OUTAGE_PAUSE_CAP);

    private final Subscription subscription;
    private final Clock clock;
    private final Consumer<String> log;
    private volatile boolean stopping;
    /** False while a delivered batch is not yet finished: then no checkpoint may be taken, not even at shutdown. */
    private volatile boolean allFinished = true;
    private String shardId = "?";

    public SubscriptionProcessor(Subscription subscription, Clock clock, Consumer<String> log) {
        this.subscription = subscription;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        log.accept(subscription.name() + ": processing " + shardId + " from " + input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        if (input.records().isEmpty()) {
            return;
        }
        var records = streamRecords(input.records());
        allFinished = false;
        for (int attempt = 1; !stopping && !subscription.stopped(); attempt++) {
            try {
                subscription.process(records);
                allFinished = true;
                break;
            } catch (RuntimeException e) {
                log.accept(subscription.name() + ": batch of " + records.size() + " on " + shardId
                        + " held (attempt " + attempt + "), not checkpointed, delivering it again: " + e);
                try {
                    OUTAGE.pauseAfter(attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
        if (allFinished) {
            // outside the loop: a checkpoint that fails must not have the batch handled again
            checkpoint(input.checkpointer());
        }
    }

    private List<StreamRecord> streamRecords(List<KinesisClientRecord> records) {
        var converted = new ArrayList<StreamRecord>(records.size());
        for (var record : records) {
            var data = new byte[record.data().remaining()];
            record.data().duplicate().get(data);
            var arrived = record.approximateArrivalTimestamp() != null ? record.approximateArrivalTimestamp() : clock.instant();
            // the user records of one KPL-aggregated record share its sequence number: the sub-sequence tells them apart
            var sequence = record.aggregated() ? record.sequenceNumber() + "." + record.subSequenceNumber()
                    : record.sequenceNumber();
            converted.add(new StreamRecord(shardId, sequence, record.partitionKey(), data, arrived));
        }
        return converted;
    }

    /**
     * A checkpoint that still fails (throttled over and over, or KCL's lease table unreachable) is logged, not
     * thrown: the records are handled, and the next batch's checkpoint covers them; if the worker dies first, they
     * are delivered again, which handlers are ready for.
     */
    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
        try {
            Checkpoints.checkpoint(checkpointer, shardId, Duration.ofSeconds(1),
                    line -> log.accept(subscription.name() + ": " + line));
        } catch (RuntimeException e) {
            log.accept(subscription.name() + ": checkpoint of " + shardId + " failed; the next one covers it: " + e);
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        stopping = true;
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        if (allFinished) {
            checkpoint(input.checkpointer());
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        stopping = true;
        if (allFinished) {
            checkpoint(input.checkpointer());
        }
    }
}
