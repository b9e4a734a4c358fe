package dev.tally.contracts;

/**
 * A published event this code cannot read: an unknown type, a newer schema version, or malformed JSON. A
 * subscriber should set the record aside (dead-letter it) and upgrade, not retry it.
 */
public final class UnreadableDomainEventException extends RuntimeException {

    public enum Reason { MALFORMED, UNKNOWN_TYPE, NEWER_SCHEMA_VERSION }

    private final Reason reason;

    public UnreadableDomainEventException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
