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

    /** Who asks: the owner of a new account, and for money movements someone who must be the owner. */
    Principal actor();

    /**
     * Open a new account owned by {@code actor}.
     *
     * @param displayName optional, null for none; it must follow {@link DisplayName}
     */
    record CreateAccount(AccountId accountId, Principal actor, String displayName, Instant receivedAt)
            implements AccountCommand {
        public CreateAccount {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(actor, "actor");
            DisplayName.require(displayName);
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    record Credit(AccountId accountId, Principal actor, Money amount, Instant receivedAt) implements AccountCommand {
        public Credit {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(actor, "actor");
            requirePositive(amount);
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    record Withdraw(AccountId accountId, Principal actor, Money amount, Instant receivedAt) implements AccountCommand {
        public Withdraw {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(actor, "actor");
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
