package dev.tally.subscriptions;

/**
 * Thrown by a handler for a failure that may pass (a downstream service that is busy, say) when the cause alone
 * would not say so: the kit tries the event again with backoff, up to the subscription's limit, then parks it.
 */
public class RetryLaterException extends RuntimeException {

    public RetryLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
