package dev.tally.subscriptions;

/** Thrown by a handler for an event it can never handle: the kit parks the event at once, without retrying. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
