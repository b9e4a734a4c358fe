package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown by a {@link BatchHandler} that made every event of its batch durable except some: those are named, each with
 * what went wrong, and the kit deals with each on its own (a {@link PoisonEventException} is parked at once, a failure
 * that may pass is tried again alone, with backoff), while the rest of the batch counts as handled.
 */
public final class BatchItemFailuresException extends Exception {

    private final Map<DomainEvent, Exception> failures;

    /** @param failures the events not handled, each with its failure; the others were made durable */
    public BatchItemFailuresException(Map<DomainEvent, Exception> failures) {
        super(failures.size() + " event(s) of the batch not handled: " + failures.values().stream().findFirst()
                .map(Throwable::toString).orElse("-"));
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("no failure to report");
        }
        this.failures = Map.copyOf(new LinkedHashMap<>(failures));
    }

    public Map<DomainEvent, Exception> failures() {
        return failures;
    }
}
