package dev.tally.eventstore;

import dev.tally.domain.Principal;

import java.util.Objects;
import java.util.Optional;

/**
 * What is stored beside an event about the request that caused it: who acted, the API request id, and the
 * idempotency key. Each is empty only where it was never recorded: the actor and request id of events stored before
 * schema version 2, the key of a command sent without one.
 *
 * @param idempotencyKey the key as stored, scoped by caller ({@link IdempotencyKeys})
 */
public record EventMetadata(Optional<Principal> actor, Optional<String> requestId, Optional<String> idempotencyKey) {

    public EventMetadata {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** The metadata of a command run for {@code actor} in request {@code requestId}. */
    public static EventMetadata of(Principal actor, String requestId, Optional<String> idempotencyKey) {
        return new EventMetadata(Optional.of(actor), Optional.of(requestId), idempotencyKey);
    }
}
