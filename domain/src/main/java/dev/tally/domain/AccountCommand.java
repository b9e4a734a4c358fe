package dev.tally.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What a client asks of an account. Each command carries the instant it was received, read from a clock by the
 * caller, so that deciding stays a pure function.
 */
public sealed interface AccountCommand {

    AccountId accountId();

    Instant receivedAt();

    /** Open a new account. The owner is an optional display name; blank means none. */
    record CreateAccount(AccountId accountId, String owner, Instant receivedAt) implements AccountCommand {
        public CreateAccount {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    record Credit(AccountId accountId, Money amount, Instant receivedAt) implements AccountCommand {
        public Credit {
            Objects.requireNonNull(accountId, "accountId");
            requirePositive(amount);
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    record Withdraw(AccountId accountId, Money amount, Instant receivedAt) implements AccountCommand {
        public Withdraw {
            Objects.requireNonNull(accountId, "accountId");
            requirePositive(amount);
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    private static void requirePositive(Money amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.minorUnits() <= 0) {
            throw new IllegalArgumentException("amount must be greater than zero, was " + amount);
        }
    }
}
