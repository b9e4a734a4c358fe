package dev.tally.eventstore;

/**
 * A stored item that this code cannot decode: an unknown event type, a newer schema version, a missing attribute.
 * Not retryable: deploy code that understands the item.
 */
public final class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String message) {
        super(message);
    }
}
