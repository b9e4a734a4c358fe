package dev.tally.eventstore;

import dev.tally.domain.Principal;

import java.util.Objects;
import java.util.Optional;

/**
 * What is stored beside an event about the request that caused it: who acted, the API request id, the correlation
 * id that follows the request through every part, and the idempotency key. Each is empty only where it was never
 * recorded: the actor, request id and correlation id of events stored before schema version 2, the key of a command
 * sent without one. (Events of schema version 2 read the request id as their correlation id: without a
 * {@code traceparent}, that is what it is.)
 *
 * @param idempotencyKey the key as stored, scoped by caller ({@link IdempotencyKeys})
 */
public record EventMetadata(Optional<Principal> actor, Optional<String> requestId, Optional<String> correlationId,
                            Optional<String> idempotencyKey) {

    public EventMetadata {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** The metadata of a command run for {@code actor} in request {@code requestId} with its correlation id. */
    public static EventMetadata of(Principal actor, String requestId, String correlationId, Optional<String> idempotencyKey) {
        return new EventMetadata(Optional.of(actor), Optional.of(requestId), Optional.of(correlationId), idempotencyKey);
    }

    /** The metadata of a command run for {@code actor} in a request without {@code traceparent}: correlated by its id. */
    public static EventMetadata of(Principal actor, String requestId, Optional<String> idempotencyKey) {
        return of(actor, requestId, requestId, idempotencyKey);
    }

    /** Nothing recorded: an event stored before schema version 2. */
    public static EventMetadata none() {
        return new EventMetadata(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
