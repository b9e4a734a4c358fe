package dev.tally.eventstore;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Rejection;

import java.time.Instant;
import java.util.Optional;

/**
 * The claim a command takes on its idempotency key before it touches the account, and later its outcome.
 *
 * @param key         the client's key, scoped by principal
 * @param fingerprint a digest of the request, so that the same key with a different request can be refused
 * @param accountId   the account the command acts on (for a creation, the id chosen for it)
 * @param fromVersion the account's version when the key was claimed: an event carrying this key, if any, has a
 *                    higher version
 * @param outcome     empty until the command finished
 */
public record IdempotencyRecord(String key, String fingerprint, AccountId accountId, long fromVersion,
                                Instant createdAt, Instant expiresAt, Optional<Outcome> outcome) {

    public boolean isExpired(Instant now) {
        return !expiresAt.isAfter(now);
    }

    public IdempotencyRecord withOutcome(Outcome outcome) {
        return new IdempotencyRecord(key, fingerprint, accountId, fromVersion, createdAt, expiresAt, Optional.of(outcome));
    }

    /** How the command ended. */
    public sealed interface Outcome {

        /** The command's event is at {@code version}, after which the balance was {@code balance}. */
        record Applied(long version, Money balance) implements Outcome {
        }

        record Refused(Rejection rejection) implements Outcome {
        }
    }
}
