package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;

import java.util.List;

/**
 * What a subscription with positions does when an account's next event skips versions (the one between was parked by
 * another reader, lost past the stream's retention, or is still to come).
 */
public sealed interface GapPolicy {

    /** Park the event, as {@link DeadLetter.Kind#GAP}, and hold the account back behind it until redriven. */
    record Park() implements GapPolicy {
    }

    /**
     * Deliver the batch again, up to {@code attempts} times, in case the missing versions are still to come; then park.
     */
    record Wait(int attempts) implements GapPolicy {
        public Wait {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
            }
        }
    }

    /** Read the missing versions from Tally (its statement API, say) and handle them first; park if they are not there. */
    record Fetch(MissingEvents source) implements GapPolicy {
    }

    /** Where missing versions can be read from. */
    @FunctionalInterface
    interface MissingEvents {
        /** The account's events with versions {@code (after, upTo]}, oldest first; fewer if Tally has fewer. */
        List<DomainEvent> read(String accountId, long after, long upTo) throws Exception;
    }
}
