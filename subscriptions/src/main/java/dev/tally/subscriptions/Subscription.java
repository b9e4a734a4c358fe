package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.contracts.UnreadableDomainEventException;
import dev.tally.observability.LogContext;
import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;
import dev.tally.resilience.Backoff;
import dev.tally.resilience.RetryableFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.AbortedException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscriber's handling of the {@code domain-events} stream, whatever carries the records to it (the KCL worker
 * {@link SubscriptionProcessor}, or a test): every record ends either handled or parked in the subscription's
 * {@link DeadLetterStore} with its reason. Nothing is skipped silently, and no record can hold the stream up.
 *
 * <ul>
 *   <li><b>Unreadable records</b> (not a domain event, an unknown type, a newer schema version) are parked at once:
 *   no retry can make them readable; upgrading the subscriber and redriving can.</li>
 *   <li><b>Handler failures are classified</b> ({@link EventHandler}): poison is parked at once; a failure that may
 *   pass is retried with exponential backoff and full jitter, up to {@code retries}, and then parked; so is a
 *   failure no retry changes. But when {@link #OUTAGE_AFTER} events in a row fail not by their own fault, that is an
 *   outage, not bad events: the batch is held (delivered again later) instead of parked.</li>
 *   <li><b>A parked event does not hold its account back</b>: the account's later events are still handled. A
 *   handler that needs every version in order must notice the gap itself (the balances projection repairs it from
 *   the events table); per-account positions and gap policies are the kit's next part.</li>
 *   <li><b>Order</b>: with an {@link EventHandler}, each account's events are handled one after another in the order
 *   they arrived (accounts side by side); with a {@link BatchHandler}, in one call.</li>
 * </ul>
 */
public final class Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    /**
     * Tries in all for a failure that may pass: 8, with pauses drawn below 0.1, 0.2, 0.4 ... 6.4 s, at most 12.7 s of
     * pauses in all (each try may include the AWS SDK's own quick retries).
     */
    public static final Backoff DEFAULT_RETRIES = new Backoff(8, Duration.ofMillis(100), Duration.ofSeconds(10));
    /**
     * How many events in a row may fail in a way that is not the event's fault (not poison) before the subscription
     * stops parking and holds the batch instead: that many failing alike is an outage or a misconfiguration (access
     * denied, a table gone), and parking every event until someone notices would empty the stream into the dead-letter
     * store. Fewer are parked, so that one event that breaks a handler bug cannot hold a shard for good.
     */
    public static final int OUTAGE_AFTER = 3;

    /**
     * What one call of {@link #process} came to.
     *
     * @param duplicates events at or below their account's position, not handed over again (with positions only)
     */
    public record Outcome(int handled, int parked, int duplicates) {
    }

    private record Decoded(StreamRecord record, DomainEvent event) {
    }

    private final String name;
    private final PositionStore positions;
    private final GapPolicy gaps;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> waits = new java.util.concurrent.ConcurrentHashMap<>();
    private final EventHandler eventHandler;
    private final BatchHandler batchHandler;
    private final Executor accounts;
    private final DeadLetterStore deadLetters;
    private final Backoff retries;
    private final Clock clock;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    /** Events that failed not by their own fault since the last success: see {@link #OUTAGE_AFTER}. */
    private final AtomicInteger failingInARow = new AtomicInteger();
    /** Each handled event's lag (ms from its occurrence), until the next {@link #flushMetrics}. */
    private final ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
    /** The counts already written as metrics: handled, duplicates, retried, parked. */
    private final long[] reported = new long[4];
    private volatile boolean stopped;

    private Subscription(String name, EventHandler eventHandler, BatchHandler batchHandler, Executor accounts,
                         PositionStore positions, GapPolicy gaps, DeadLetterStore deadLetters, Backoff retries,
                         Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.positions = positions;
        this.gaps = gaps;
        this.eventHandler = eventHandler;
        this.batchHandler = batchHandler;
        this.accounts = accounts;
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A subscription that hands events to {@code handler} one at a time.
     *
     * @param accounts runs different accounts' events side by side (each account's in order); a direct executor
     *                 ({@code Runnable::run}) handles everything on the caller's thread
     */
    public static Subscription perEvent(String name, EventHandler handler, Executor accounts, DeadLetterStore deadLetters,
                                        Backoff retries, Clock clock) {
        return new Subscription(name, Objects.requireNonNull(handler, "handler"), null,
                Objects.requireNonNull(accounts, "accounts"), null, null, deadLetters, retries, clock);
    }

    /**
     * A subscription that hands events to {@code handler} one at a time, exactly once per (account, version) as far
     * as its {@code positions} go, in version order: a duplicate (at or below the account's position) is not handed
     * over again; a gap (versions missing before it) is handled by {@code gaps}; and once an event of an account is
     * parked, the account's later events are parked behind it ({@link DeadLetter.Kind#HELD_BEHIND}), so the handler
     * never sees an account out of order. Any copy of the parked event that is handled later (a redrive) lets the
     * account go on; an older version that arrives later fills the gap in order. The position advances after the
     * handler returns: a crash between the two hands the event over once more, so make the effect idempotent on the
     * event's id.
     */
    public static Subscription perEventInOrder(String name, EventHandler handler, Executor accounts,
                                               PositionStore positions, GapPolicy gaps, DeadLetterStore deadLetters,
                                               Backoff retries, Clock clock) {
        return new Subscription(name, Objects.requireNonNull(handler, "handler"), null,
                Objects.requireNonNull(accounts, "accounts"), Objects.requireNonNull(positions, "positions"),
                Objects.requireNonNull(gaps, "gaps"), deadLetters, retries, clock);
    }

    /** A subscription that hands each batch's readable events to {@code handler} in one call. */
    public static Subscription batched(String name, BatchHandler handler, DeadLetterStore deadLetters, Backoff retries,
                                       Clock clock) {
        return new Subscription(name, null, Objects.requireNonNull(handler, "handler"), null, null, null, deadLetters,
                retries, clock);
    }

    public String name() {
        return name;
    }

    /**
     * Asks the subscription to stop: a batch under way ends with {@link SubscriptionHeldException} at its next
     * retry, unfinished and so never checkpointed. Call it before stopping the worker.
     */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    /** True if it keeps positions ({@link #perEventInOrder}): exactly once per (account, version), in order. */
    public boolean inOrder() {
        return positions != null;
    }

    /**
     * Handles or parks every record, and returns once each is done: handled durably, or parked durably.
     *
     * @throws SubscriptionHeldException if the batch must be delivered again rather than parked: events keep failing
     *                                   alike ({@link #OUTAGE_AFTER}), the thread was interrupted, or the subscription
     *                                   is stopping; the caller must not checkpoint. What was handled is handled
     *                                   again, which handlers are ready for
     * @throws RuntimeException          if a record could not be parked (the dead-letter store failed): likewise
     */
    public Outcome process(List<StreamRecord> records) {
        try (var service = LogContext.with(LogContext.SERVICE, name)) {
            try {
                return handleOrPark(records);
            } finally {
                flushMetrics();
            }
        }
    }

    private Outcome handleOrPark(List<StreamRecord> records) {
        var readable = new ArrayList<Decoded>(records.size());
        int unreadable = 0;
        for (var record : records) {
            try {
                readable.add(new Decoded(record, DomainEventCodec.fromJson(record.data())));
            } catch (UnreadableDomainEventException e) {
                park(record, kindOf(e), e.getMessage(), 0);
                unreadable++;
            }
        }
        var outcome = eventHandler != null ? perAccount(readable) : batch(readable);
        duplicates.addAndGet(outcome.duplicates());
        return new Outcome(outcome.handled(), outcome.parked() + unreadable, outcome.duplicates());
    }

    /**
     * Writes what happened since the last flush as metrics (one EMF line): events handled, duplicates, retries,
     * dead letters, and each handled event's lag. {@link #process} flushes at its end, so a Lambda's metrics leave
     * with its invocation; concurrent batches share the counts, so the totals are exact whoever flushes them.
     */
    public synchronized void flushMetrics() {
        var metrics = new Metrics(name, clock);
        long[] now = {handled(), duplicates(), retried(), parked()};
        Metric[] names = {Metric.EVENTS_HANDLED, Metric.EVENTS_DUPLICATE, Metric.EVENTS_RETRIED, Metric.DEAD_LETTERS};
        for (int i = 0; i < now.length; i++) {
            if (now[i] != reported[i]) {
                metrics.count(names[i], now[i] - reported[i]);
                reported[i] = now[i];
            }
        }
        for (Long lag; (lag = lags.poll()) != null; ) {
            metrics.observe(Metric.SUBSCRIPTION_LAG, lag);
        }
        metrics.flush();
    }

    /** The log fields of one event's handling, on whichever thread handles it. */
    private LogContext fieldsOf(DomainEvent event) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(LogContext.SERVICE, name);
        fields.put(LogContext.CORRELATION_ID, event.correlationId());
        fields.put(LogContext.ACCOUNT_ID, event.accountId());
        fields.put(LogContext.VERSION, event.version());
        return LogContext.with(fields);
    }

    /** One line per handled event, with its correlation id, and its lag for the metrics. */
    private void handledOne(DomainEvent event, StreamRecord record) {
        handled.incrementAndGet();
        lags.add(Math.max(0, clock.millis() - event.occurredAt().toEpochMilli()));
        try (var fields = fieldsOf(event)) {
            LOG.info("handled {} {}/{} from {}", event.type(), event.accountId(), event.version(), record.position());
        }
    }

    private Outcome perAccount(List<Decoded> readable) {
        var byAccount = new LinkedHashMap<String, List<Decoded>>();
        readable.forEach(d -> byAccount.computeIfAbsent(d.event().accountId(), a -> new ArrayList<>()).add(d));
        var handledHere = new AtomicInteger();
        var parkedHere = new AtomicInteger();
        var duplicatesHere = new AtomicInteger();
        var work = new ArrayList<CompletableFuture<Void>>();
        for (var entry : byAccount.entrySet()) {
            var events = entry.getValue();
            work.add(CompletableFuture.runAsync(() -> {
                if (positions != null) {
                    inOrder(entry.getKey(), events, handledHere, parkedHere, duplicatesHere);
                    return;
                }
                for (var decoded : events) {
                    try (var fields = fieldsOf(decoded.event())) {
                        if (attempt(() -> eventHandler.handle(decoded.event()), List.of(decoded.record()))) {
                            handledOne(decoded.event(), decoded.record());
                            handledHere.incrementAndGet();
                        } else {
                            parkedHere.incrementAndGet();
                        }
                    }
                }
            }, accounts));
        }
        try {
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        return new Outcome(handledHere.get(), parkedHere.get(), duplicatesHere.get());
    }

    /** One account's events against its position: duplicates skipped, gaps by policy, parked ones holding it back. */
    private void inOrder(String account, List<Decoded> arrived, AtomicInteger handledHere, AtomicInteger parkedHere,
                         AtomicInteger duplicatesHere) {
        var events = new ArrayList<>(arrived);
        events.sort(java.util.Comparator.comparingLong(d -> d.event().version()));
        var position = positions.position(account);
        long parkedInThisBatch = -1;
        for (var decoded : events) {
            try (var fields = fieldsOf(decoded.event())) {
                long version = decoded.event().version();
                var record = decoded.record();
                if (version == parkedInThisBatch) {
                    // another copy of the event just parked: it would fail alike; the parked one stands for both
                    duplicatesHere.incrementAndGet();
                    continue;
                }
                var held = position.held();
                // The event the account is held behind, delivered again (a redrive, or another copy of it: from the
                // stream after a replay, say): handled now, it lets the account go on.
                boolean heldHead = held.filter(hold -> hold.parkedAt().equals(record.position())
                        || hold.version() == version).isPresent();
                // An older version than the held one is what the account lacks before it (a gap being filled): in order.
                boolean beforeHead = held.filter(hold -> version < hold.version()).isPresent();
                if (version <= position.version()) {
                    if (heldHead) {
                        position = release(account, held.get());
                    }
                    duplicatesHere.incrementAndGet();
                    continue;
                }
                if (held.isPresent() && !heldHead && !beforeHead) {
                    park(record, DeadLetter.Kind.HELD_BEHIND, "account " + account + " waits behind the event parked at "
                            + held.get().parkedAt() + "; version " + version + " is parked after it", 0);
                    parkedHere.incrementAndGet();
                    continue;
                }
                if (version > position.version() + 1) {
                    var filled = fillGap(account, decoded, position, handledHere);
                    if (filled.isEmpty()) {
                        position = hold(account, record, version);
                        parkedInThisBatch = version;
                        parkedHere.incrementAndGet();
                        continue;
                    }
                    position = filled.get();
                }
                if (attempt(() -> eventHandler.handle(decoded.event()), List.of(record))) {
                    position = advance(account, position, version);
                    if (heldHead) {
                        position = release(account, held.get());
                    }
                    handledOne(decoded.event(), record);
                    handledHere.incrementAndGet();
                } else {
                    position = hold(account, record, version);
                    parkedInThisBatch = version;
                    parkedHere.incrementAndGet();
                }
            }
        }
    }

    /**
     * Makes the versions before {@code decoded} present, as the gap policy says.
     *
     * @return the position once they are handled; empty if {@code decoded} was parked (the caller holds the account)
     */
    private java.util.Optional<PositionStore.Position> fillGap(String account, Decoded decoded,
                                                               PositionStore.Position position, AtomicInteger handledHere) {
        long version = decoded.event().version();
        var missing = "versions " + (position.version() + 1) + " to " + (version - 1) + " of account " + account
                + " are missing before version " + version;
        switch (gaps) {
            case GapPolicy.Park park -> {
                park(decoded.record(), DeadLetter.Kind.GAP, missing, 0);
                return java.util.Optional.empty();
            }
            case GapPolicy.Wait wait -> {
                int waited = waits.merge(decoded.record().position(), 1, Integer::sum);
                if (waited <= wait.attempts()) {
                    throw new SubscriptionHeldException(name + ": " + missing + "; waiting for them (delivery " + waited
                            + " of " + wait.attempts() + ")", null);
                }
                waits.remove(decoded.record().position());
                park(decoded.record(), DeadLetter.Kind.GAP, missing + " after " + wait.attempts() + " waits", 0);
                return java.util.Optional.empty();
            }
            case GapPolicy.Fetch fetch -> {
                List<DomainEvent> found;
                for (int attempt = 1; ; attempt++) {
                    try {
                        found = fetch.source().read(account, position.version(), version - 1);
                        break;
                    } catch (Exception e) {
                        if (interrupted(e)) {
                            Thread.currentThread().interrupt();
                            throw new SubscriptionHeldException(name + ": interrupted while fetching " + missing, e);
                        }
                        // throttled, a 5xx or a broken connection: tried again like a handler's failure
                        boolean mayPass = e instanceof RetryLaterException || RetryableFailures.isRetryable(e);
                        if (stopped) {
                            throw new SubscriptionHeldException(name + ": stopping while fetching " + missing, e);
                        }
                        if (mayPass && retries.allowsAttemptAfter(attempt)) {
                            retried.incrementAndGet();
                            LOG.warn("{}: fetching {} failed (attempt {} of {}), trying again", name, missing, attempt,
                                    retries.maxAttempts(), e);
                            pause(attempt, decoded.record());
                            continue;
                        }
                        if (mayPass && failingInARow.incrementAndGet() >= OUTAGE_AFTER) {
                            throw new SubscriptionHeldException(name + ": fetching missing versions keeps failing, the "
                                    + "last for " + account + ": holding the batch instead of parking it: " + e, e);
                        }
                        park(decoded.record(), DeadLetter.Kind.GAP, missing + " and could not be fetched (attempt "
                                + attempt + "): " + e, attempt);
                        return java.util.Optional.empty();
                    }
                }
                var current = position;
                for (var event : found) {
                    if (event.version() != current.version() + 1 || !event.accountId().equals(account)) {
                        break;
                    }
                    // a fetched event that cannot be handled is parked under the record that revealed the gap
                    if (!attempt(() -> eventHandler.handle(event), List.of(decoded.record()))) {
                        return java.util.Optional.empty();
                    }
                    handledOne(event, decoded.record());
                    handledHere.incrementAndGet();
                    current = advance(account, current, event.version());
                }
                if (current.version() != version - 1) {
                    park(decoded.record(), DeadLetter.Kind.GAP, missing + "; fetched up to version " + current.version(), 0);
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of(current);
            }
        }
    }

    private PositionStore.Position advance(String account, PositionStore.Position position, long version) {
        if (positions.advance(account, position.version(), version)) {
            return new PositionStore.Position(version, position.held());
        }
        // another worker moved it (a lease taken over mid-batch): what it stored is the truth
        return positions.position(account);
    }

    private PositionStore.Position release(String account, PositionStore.Hold handled) {
        positions.release(account, handled);
        return positions.position(account);
    }

    /** Holds the account behind {@code parked}; an older event parked later takes the hold over (it comes first). */
    private PositionStore.Position hold(String account, StreamRecord parked, long version) {
        positions.hold(account, parked.position(), version);
        return positions.position(account);
    }

    private Outcome batch(List<Decoded> readable) {
        if (readable.isEmpty()) {
            return new Outcome(0, 0, 0);
        }
        var events = readable.stream().map(Decoded::event).toList();
        var records = readable.stream().map(Decoded::record).toList();
        var failed = new LinkedHashMap<DomainEvent, Exception>();
        boolean called = attempt(() -> {
            failed.clear();
            try {
                batchHandler.handle(events);
            } catch (BatchItemFailuresException partial) {
                if (!events.containsAll(partial.failures().keySet())) {
                    // nothing could be retried or parked for it: the batch as a whole failed
                    throw new IllegalStateException("the handler reported a failure for an event not in the batch", partial);
                }
                failed.putAll(partial.failures());
            }
        }, records);
        if (!called) {
            return new Outcome(0, records.size(), 0);
        }
        long notYet = readable.stream().filter(decoded -> failed.containsKey(decoded.event())).count();
        int handledHere = records.size();
        int parkedHere = 0;
        // the events the handler could not take: each on its own, classified like any failure, the rest being durable
        for (var decoded : readable) {
            if (!failed.containsKey(decoded.event())) {
                continue;
            }
            handledHere--;
            var first = new boolean[]{true};
            boolean alone = attempt(() -> {
                if (first[0]) {
                    first[0] = false;
                    throw failed.get(decoded.event());
                }
                try {
                    batchHandler.handle(List.of(decoded.event()));
                } catch (BatchItemFailuresException partial) {
                    throw partial.failures().values().iterator().next();
                }
            }, List.of(decoded.record()));
            if (alone) {
                handledOne(decoded.event(), decoded.record());
                handledHere++;
            } else {
                parkedHere++;
            }
        }
        for (var decoded : readable) {
            if (!failed.containsKey(decoded.event())) {
                handledOne(decoded.event(), decoded.record());
            }
        }
        return new Outcome(handledHere, parkedHere, 0);
    }

    private interface Call {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} until it succeeds, or parks {@code records}; true if it succeeded.
     *
     * @throws SubscriptionHeldException instead of parking, when parking would be wrong (see {@link #process})
     */
    private boolean attempt(Call call, List<StreamRecord> records) {
        var first = records.getFirst();
        for (int attempt = 1; ; attempt++) {
            if (stopped) {
                throw new SubscriptionHeldException(name + ": stopping, " + first.position() + " not finished", null);
            }
            try {
                call.run();
                failingInARow.set(0);
                return true;
            } catch (Exception e) {
                if (interrupted(e)) {
                    Thread.currentThread().interrupt();
                    throw new SubscriptionHeldException(name + ": interrupted while handling " + first.position(), e);
                }
                if (e instanceof PoisonEventException) {
                    parkAll(records, DeadLetter.Kind.REJECTED, e.getMessage(), attempt);
                    return false;
                }
                boolean mayPass = e instanceof RetryLaterException || RetryableFailures.isRetryable(e);
                if (mayPass && retries.allowsAttemptAfter(attempt)) {
                    retried.incrementAndGet();
                    LOG.warn("{}: {} record(s) from {} failed (attempt {} of {}), trying again", name, records.size(),
                            first.position(), attempt, retries.maxAttempts(), e);
                    pause(attempt, first);
                    continue;
                }
                int inARow = failingInARow.incrementAndGet();
                if (inARow >= OUTAGE_AFTER) {
                    throw new SubscriptionHeldException(name + ": " + inARow + " events in a row failed not by their own "
                            + "fault, the last at " + first.position() + ": holding the batch instead of parking it, "
                            + "until the failure passes: " + e, e);
                }
                LOG.warn("{}: {} record(s) from {} failed for good (attempt {}): parking", name, records.size(),
                        first.position(), attempt, e);
                if (mayPass) {
                    parkAll(records, DeadLetter.Kind.RETRIES_EXHAUSTED, "still failing after " + attempt + " attempts: " + e,
                            attempt);
                } else {
                    parkAll(records, DeadLetter.Kind.REJECTED, "failed in a way no retry changes: " + e, attempt);
                }
                return false;
            }
        }
    }

    /** True if {@code e} means this thread was told to stop, not that the event failed. */
    private static boolean interrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (var cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof AbortedException
                    || cause instanceof java.io.InterruptedIOException && !(cause instanceof java.net.SocketTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private void parkAll(List<StreamRecord> records, DeadLetter.Kind kind, String reason, int attempts) {
        for (var record : records) {
            park(record, kind, reason, attempts);
        }
    }

    private void pause(int attempt, StreamRecord first) {
        try {
            retries.pauseAfter(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubscriptionHeldException(name + ": interrupted while retrying " + first.position(), e);
        }
    }

    private void park(StreamRecord record, DeadLetter.Kind kind, String reason, int attempts) {
        deadLetters.park(new DeadLetter(name, record, kind, reason, attempts, clock.instant()));
        parked.incrementAndGet();
        LOG.warn("{}: parked {} (account {}) as {}: {}", name, record.position(), record.partitionKey(), kind, reason);
    }

    private static DeadLetter.Kind kindOf(UnreadableDomainEventException e) {
        return switch (e.reason()) {
            case MALFORMED -> DeadLetter.Kind.UNREADABLE;
            case UNKNOWN_TYPE -> DeadLetter.Kind.UNKNOWN_TYPE;
            case NEWER_SCHEMA_VERSION -> DeadLetter.Kind.NEWER_SCHEMA_VERSION;
        };
    }

    /** Events handled since start. */
    public long handled() {
        return handled.get();
    }

    /** Records parked since start. */
    public long parked() {
        return parked.get();
    }

    /** Handler attempts that failed in a way that may pass and were tried again. */
    public long retried() {
        return retried.get();
    }

    /** Events at or below their account's position, not handed over again, since start. */
    public long duplicates() {
        return duplicates.get();
    }

}
