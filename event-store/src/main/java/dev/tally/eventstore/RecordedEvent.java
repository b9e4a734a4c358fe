package dev.tally.eventstore;

import dev.tally.domain.AccountEvent;
import dev.tally.domain.Money;

import java.util.Optional;

/**
 * An event as stored: its version in the stream, the balance after it, and the idempotency key of the command
 * that caused it, if the client sent one.
 */
public record RecordedEvent(long version, AccountEvent event, Money balanceAfter, Optional<String> idempotencyKey) {
}
