package dev.tally.eventstore;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Idempotency claims in memory, for unit tests. Passes the same conformance suite as the DynamoDB store. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private final ConcurrentHashMap<String, IdempotencyRecord> records = new ConcurrentHashMap<>();

    @Override
    public Optional<IdempotencyRecord> claim(IdempotencyRecord fresh, Instant now) {
        var winner = records.compute(fresh.key(),
                (key, existing) -> existing == null || existing.isExpired(now) ? fresh : existing);
        return winner == fresh ? Optional.empty() : Optional.of(winner);
    }

    @Override
    public void complete(String key, IdempotencyRecord.Outcome outcome) {
        records.computeIfPresent(key, (k, existing) ->
                outcome instanceof IdempotencyRecord.Outcome.Refused && existing.outcome().isPresent()
                        ? existing : existing.withOutcome(outcome));
    }
}
