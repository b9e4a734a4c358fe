package dev.tally.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The facts recorded about an account, oldest first.
 *
 * <p><b>These are stored forever.</b> The event-store codec persists each one under the stable name its
 * {@link EventType} gives ({@code AccountCreated}, {@code BalanceCredited}, {@code BalanceWithdrawn}) and a schema
 * version, never under the Java class name. Renaming a type or a field, or changing its meaning, is a data migration: add a new
 * schema version and keep reading the old one.
 */
public sealed interface AccountEvent {

    AccountId accountId();

    Instant occurredAt();

    /**
     * An account was opened.
     *
     * @param owner       who opened it and alone may use it; null only for accounts opened before owners were
     *                    recorded (stored schema version 1), which only an administrator can read
     * @param displayName the optional name given at creation, or null
     */
    record AccountCreated(AccountId accountId, Principal owner, String displayName, Instant occurredAt)
            implements AccountEvent {
        public AccountCreated {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }
    }

    record BalanceCredited(AccountId accountId, Money amount, Instant occurredAt) implements AccountEvent {
        public BalanceCredited {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }
    }

    record BalanceWithdrawn(AccountId accountId, Money amount, Instant occurredAt) implements AccountEvent {
        public BalanceWithdrawn {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }
    }
}
