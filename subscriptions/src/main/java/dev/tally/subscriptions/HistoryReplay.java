package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Feeds history older than the stream (the lake, read back by the analytics module's {@code LakeHistory}) through an
 * in-order subscription, before the subscription switches to the stream. Each event is handed over as a record of the
 * pseudo-shard {@value #SHARD} at {@code history/<account>/<version>}, so it is handled, parked and de-duplicated
 * exactly as a stream record would be: the
 * subscription's positions make the switch safe. The stream is then read from {@link #streamStart()}, which overlaps
 * the history by {@link #STREAM_OVERLAP}: what both hold is a duplicate, skipped by (account, version).
 *
 * <p>Re-running a replay that stopped half-way is safe: what was handled is a duplicate the second time.
 */
public final class HistoryReplay implements Consumer<DomainEvent> {

    /** The pseudo-shard replayed records come from; a dead letter parked during a replay names it. */
    public static final String SHARD = "history";
    /**
     * How far before the newest event of the history the stream is read from. The lake lags the stream by Firehose's
     * buffering (at most 15 minutes) plus the lake writer's own lag; an hour covers both with room.
     */
    public static final Duration STREAM_OVERLAP = Duration.ofHours(1);
    /** Events handed to the subscription per call: one call per batch, as from the stream. */
    public static final int BATCH_SIZE = 500;

    /** What the replay came to so far. */
    public record Progress(long events, long handled, long parked, long duplicates, Optional<Instant> newest) {
    }

    private final Subscription subscription;
    private final Consumer<Progress> progress;
    private final List<StreamRecord> batch = new ArrayList<>(BATCH_SIZE);
    private long events;
    private long handled;
    private long parked;
    private long duplicates;
    private Instant newest;

    /**
     * @param subscription an in-order subscription ({@link Subscription#perEventInOrder}): only positions make the
     *                     switch to the stream free of duplicate effects
     * @param progress     told after each batch
     */
    public HistoryReplay(Subscription subscription, Consumer<Progress> progress) {
        if (!subscription.inOrder()) {
            throw new IllegalArgumentException(subscription.name() + " has no positions: a replay needs an in-order "
                    + "subscription, or the switch to the stream would hand events over twice");
        }
        this.subscription = subscription;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Takes the next event of the history; each account's events must come in version order. */
    @Override
    public void accept(DomainEvent event) {
        events++;
        if (newest == null || event.occurredAt().isAfter(newest)) {
            newest = event.occurredAt();
        }
        // the position names the event, not its place in this run: a replay run again parks it at the same place
        batch.add(new StreamRecord(SHARD, event.accountId() + "/" + event.version(), event.accountId(),
                DomainEventCodec.toJson(event), event.occurredAt()));
        if (batch.size() == BATCH_SIZE) {
            flush();
        }
    }

    /**
     * Hands over what is left, and returns the whole replay's progress.
     *
     * @throws SubscriptionHeldException if the subscription held a batch (an outage): run the replay again later
     */
    public Progress finish() {
        flush();
        return progress();
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        var outcome = subscription.process(List.copyOf(batch));
        batch.clear();
        handled += outcome.handled();
        parked += outcome.parked();
        duplicates += outcome.duplicates();
        progress.accept(progress());
    }

    private Progress progress() {
        return new Progress(events, handled, parked, duplicates, Optional.ofNullable(newest));
    }

    /** Where to read the stream from after the history: {@link #STREAM_OVERLAP} before its newest event; empty if
     * the history was empty (read the stream from its trim horizon). */
    public Optional<Instant> streamStart() {
        return Optional.ofNullable(newest).map(at -> at.minus(STREAM_OVERLAP));
    }
}
