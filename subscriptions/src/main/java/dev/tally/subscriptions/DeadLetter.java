package dev.tally.subscriptions;

import java.time.Instant;
import java.util.Objects;

/**
 * A record a subscription set aside, with why: it stays until it is redriven, so nothing is ever silently dropped.
 *
 * @param record   the record as it arrived, bytes and all
 * @param reason   what went wrong, in words that name the value
 * @param attempts how many times the handler was tried (0 for a record that could not be read)
 */
public record DeadLetter(String subscription, StreamRecord record, Kind kind, String reason, int attempts,
                         Instant parkedAt) {

    /** Why a record was parked. */
    public enum Kind {
        /** Not a domain event at all: not JSON, or missing fields. */
        UNREADABLE,
        /** An event type this subscriber's contracts do not know: Tally added one; upgrade the subscriber. */
        UNKNOWN_TYPE,
        /** A schema version newer than this subscriber reads: upgrade the subscriber. */
        NEWER_SCHEMA_VERSION,
        /** The handler refused it ({@link PoisonEventException}), or failed in a way no retry changes. */
        REJECTED,
        /** The handler kept failing in a way that may pass, until the subscription's retry limit. */
        RETRIES_EXHAUSTED,
        /** Versions before this one of its account are missing, and the subscription's {@link GapPolicy} parks. */
        GAP,
        /** An earlier event of its account is parked: its later ones wait behind it, in order, until it is redriven. */
        HELD_BEHIND
    }

    public DeadLetter {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }
}
