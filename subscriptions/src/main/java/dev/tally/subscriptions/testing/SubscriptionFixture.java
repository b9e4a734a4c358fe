package dev.tally.subscriptions.testing;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.EventHandler;
import dev.tally.subscriptions.GapPolicy;
import dev.tally.subscriptions.InMemoryDeadLetterStore;
import dev.tally.subscriptions.InMemoryPositionStore;
import dev.tally.subscriptions.PositionStore;
import dev.tally.subscriptions.StreamRecord;
import dev.tally.subscriptions.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscriber's test bench, in memory and in the given / when / then style of Axon's fixtures: given what the
 * subscription has already handled, when records arrive (events, duplicates, out of order, with gaps, or bytes no
 * reader can read), then assert on the handler's effects, the positions and the dead letters. It runs the kit's own
 * {@link Subscription} over in-memory stores, so what passes here is what the KCL worker does.
 *
 * <pre>{@code
 * var alerts = new ArrayList<String>();
 * var fixture = SubscriptionFixture.inOrder(event -> alerts.add(event.accountId()));
 * fixture.given(ACCOUNT, 1);
 * fixture.when(credit(ACCOUNT, 1), credit(ACCOUNT, 3));
 * assertThat(fixture.deadLetters()).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.GAP);
 * }</pre>
 */
public final class SubscriptionFixture {

    /** A failure that may pass is tried twice, without waiting: the pauses are not what a subscriber tests. */
    private static final Backoff QUICK = new Backoff(2, Duration.ZERO, Duration.ZERO);
    private static final String SHARD = "shardId-000000000000";

    private final EventHandler handler;
    private final boolean inOrder;
    private final InMemoryPositionStore positions = new InMemoryPositionStore();
    private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    private GapPolicy gaps = new GapPolicy.Park();
    private Subscription subscription;
    private long sequence;

    private SubscriptionFixture(EventHandler handler, boolean inOrder) {
        this.handler = handler;
        this.inOrder = inOrder;
    }

    /** A bench for {@code handler} as an in-order subscription (positions per account), gaps parked. */
    public static SubscriptionFixture inOrder(EventHandler handler) {
        return new SubscriptionFixture(handler, true);
    }

    /**
     * A bench for {@code handler} as a {@link Subscription#perEvent} subscription: no positions, so duplicates and
     * gaps reach the handler, which must cope with them itself (the balances projection does).
     */
    public static SubscriptionFixture perEvent(EventHandler handler) {
        return new SubscriptionFixture(handler, false);
    }

    /** Handles gaps as {@code policy} says instead of parking them. */
    public SubscriptionFixture withGaps(GapPolicy policy) {
        requireInOrder("a gap policy");
        this.gaps = policy;
        this.subscription = null;
        return this;
    }

    /** Given: the subscription has handled {@code account}'s events up to {@code version}. */
    public SubscriptionFixture given(String account, long version) {
        requireInOrder("a position");
        var current = positions.position(account).version();
        if (!positions.advance(account, current, version)) {
            throw new IllegalStateException("cannot set the position of " + account);
        }
        return this;
    }

    /**
     * When: these arrive in one batch, in this order. Each is a {@link DomainEvent} (published as Tally publishes
     * it), or {@code byte[]} or a {@link String} taken as a record's raw bytes.
     */
    public Subscription.Outcome when(Object... records) {
        if (subscription == null) {
            var clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
            subscription = inOrder
                    ? Subscription.perEventInOrder("fixture", handler, Runnable::run, positions, gaps, deadLetters, QUICK,
                            clock)
                    : Subscription.perEvent("fixture", handler, Runnable::run, deadLetters, QUICK, clock);
        }
        var batch = new ArrayList<StreamRecord>();
        for (var item : records) {
            batch.add(switch (item) {
                case DomainEvent event -> record(event.accountId(), DomainEventCodec.toJson(event));
                case byte[] bytes -> record("unknown", bytes);
                case String text -> record("unknown", text.getBytes(StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException("not a record: " + item);
            });
        }
        return subscription.process(batch);
    }

    private StreamRecord record(String partitionKey, byte[] data) {
        return new StreamRecord(SHARD, Long.toString(++sequence), partitionKey, data, Instant.EPOCH);
    }

    private void requireInOrder(String what) {
        if (!inOrder) {
            throw new IllegalStateException(what + " needs an in-order fixture (SubscriptionFixture.inOrder)");
        }
    }

    /** Then: what was parked, in the order it arrived. */
    public List<DeadLetter> deadLetters() {
        return deadLetters.list("fixture");
    }

    /** Then: how far the subscription got in {@code account}. */
    public PositionStore.Position position(String account) {
        return positions.position(account);
    }

}
