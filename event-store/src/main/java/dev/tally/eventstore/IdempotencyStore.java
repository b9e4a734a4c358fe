package dev.tally.eventstore;

import java.time.Instant;
import java.util.Optional;

/**
 * Claims on idempotency keys. Every implementation passes {@code IdempotencyStoreConformance}.
 *
 * <p>The store alone does not make a command idempotent: the command service also finds the event a command
 * already wrote by the key stored on the event item. See event-store/README.md for the whole protocol.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code fresh.key()}: succeeds (returns empty) if the key is unclaimed or its claim expired; otherwise
     * returns the existing claim, unchanged.
     */
    Optional<IdempotencyRecord> claim(IdempotencyRecord fresh, Instant now);

    /**
     * Records how the command under {@code key} ended. An {@code Applied} outcome always wins; a {@code Refused} one
     * never replaces an outcome already recorded (a concurrent duplicate may have applied the command).
     */
    void complete(String key, IdempotencyRecord.Outcome outcome);
}
