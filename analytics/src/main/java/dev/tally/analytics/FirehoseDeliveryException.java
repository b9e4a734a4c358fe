package dev.tally.analytics;

/** Records Firehose did not accept; the lake writer does not checkpoint them and tries the batch again. */
public final class FirehoseDeliveryException extends RuntimeException {

    public FirehoseDeliveryException(String message) {
        super(message);
    }
}
