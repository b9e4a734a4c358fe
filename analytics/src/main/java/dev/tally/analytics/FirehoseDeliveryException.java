package dev.tally.analytics;

/**
 * Records Firehose did not accept. The caller must not checkpoint them; whether trying again later can help is
 * {@link #retryable()}.
 */
public final class FirehoseDeliveryException extends RuntimeException {

    private final boolean retryable;

    /**
     * @param retryable true if the failure may pass (throttling, Firehose busy); false if trying again gives the same
     *                  answer (access denied, no such delivery stream, a record over the size limit)
     */
    public FirehoseDeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
