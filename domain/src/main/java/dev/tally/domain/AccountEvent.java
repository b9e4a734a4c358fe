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

    record AccountCreated(AccountId accountId, String owner, Instant occurredAt) implements AccountEvent {
        public AccountCreated {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(occurredAt, "occurredAt");
            owner = owner == null || owner.isBlank() ? null : owner.strip();
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
