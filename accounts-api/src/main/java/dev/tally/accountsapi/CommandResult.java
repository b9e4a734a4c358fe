package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Rejection;

/** How a command ended, as the command service reports it to a handler. */
public sealed interface CommandResult {

    /** The command's event is at {@code version}; the balance after it is {@code balance}. */
    record Applied(AccountId accountId, Money balance, long version, boolean replayed) implements CommandResult {
    }

    /** The account refused the command; {@code replayed} if this is the stored answer to an idempotency key. */
    record Refused(AccountId accountId, Rejection rejection, boolean replayed) implements CommandResult {

        /** A refusal decided now. */
        public Refused(AccountId accountId, Rejection rejection) {
            this(accountId, rejection, false);
        }
    }

    /** Every attempt lost an optimistic-concurrency race; the client may retry. */
    record ContentionExhausted(AccountId accountId, int attempts) implements CommandResult {
    }

    /** A request with the same idempotency key is still being processed; the client should retry after {@code retryAfter}. */
    record InProgress(String idempotencyKey, java.time.Instant retryAfter) implements CommandResult {
    }

    /** The idempotency key was first used for a different request. */
    record KeyReused(String idempotencyKey) implements CommandResult {
    }
}
