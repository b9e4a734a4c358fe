package dev.tally.subscriptions;

import java.time.Duration;

/**
 * The event-source mapping settings for a Lambda subscriber ({@link KinesisSubscriptionHandler}) on
 * {@code domain-events}, shared by the CDK construct and the local stand-in so that both run it the same way.
 *
 * <p>The kit parks bad records itself, so the mapping only ever retries a batch the subscription held: an outage, or
 * events waiting for a gap to fill. Those are retried until they are {@link #MAXIMUM_RECORD_AGE} old, then the
 * batch's shard and sequence range go to the on-failure destination (an SQS queue) and its alarm fires: the records
 * stay on the stream for the rest of its retention, to be read again by hand (no tool here does it yet), or replayed
 * from the lake later; an in-order subscriber parks those accounts' later events as gaps meanwhile. That bounds how
 * long an outage holds a shard, and nothing is lost unseen.
 */
public final class SubscriberMapping {

    /** The environment variable naming a Lambda subscriber's subscription (and so its tables), as the construct sets it. */
    public static final String SUBSCRIPTION = "TALLY_SUBSCRIPTION";

    /** Records per invocation: a batch of domain events is a few tens of KB. */
    public static final int BATCH_SIZE = 100;
    /** No waiting to fill a batch: a subscriber's lag is what it is for. */
    public static final Duration MAXIMUM_BATCHING_WINDOW = Duration.ZERO;
    /** A held batch names its first record; see {@link KinesisSubscriptionHandler}. */
    public static final boolean REPORT_BATCH_ITEM_FAILURES = true;
    /** A function error (not a held batch: the kit does not throw) is narrowed down to its record. */
    public static final boolean BISECT_BATCH_ON_FUNCTION_ERROR = true;
    /** Retried until {@link #MAXIMUM_RECORD_AGE}, however many tries that takes. */
    public static final int MAXIMUM_RETRY_ATTEMPTS = -1;
    /** How long an outage may hold a shard before its batches are set aside (a quarter of the stream's 24 h). */
    public static final Duration MAXIMUM_RECORD_AGE = Duration.ofHours(6);

    private SubscriberMapping() {
    }
}
