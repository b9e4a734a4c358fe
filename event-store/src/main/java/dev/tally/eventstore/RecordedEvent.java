package dev.tally.eventstore;

import dev.tally.domain.AccountEvent;
import dev.tally.domain.Money;

import java.util.Optional;

/**
 * An event as stored: its version in the stream, the balance after it, and what was recorded about the request that
 * caused it.
 */
public record RecordedEvent(long version, AccountEvent event, Money balanceAfter, EventMetadata metadata) {

    /** The idempotency key of the command that caused the event, as stored (scoped by caller), if the client sent one. */
    public Optional<String> idempotencyKey() {
        return metadata.idempotencyKey();
    }
}
