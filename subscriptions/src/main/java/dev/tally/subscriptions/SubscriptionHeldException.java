package dev.tally.subscriptions;

/**
 * A batch that must be delivered again rather than finished now: its events keep failing alike (an outage), or the
 * subscription is stopping. Whoever delivers it must not checkpoint.
 */
public final class SubscriptionHeldException extends IllegalStateException {

    public SubscriptionHeldException(String message, Throwable cause) {
        super(message, cause);
    }
}
