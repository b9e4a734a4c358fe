package dev.tally.accountsapi;

import dev.tally.domain.AccountCommand;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;

import java.time.Instant;

/**
 * A validated request to change an account, before the server has given it an id or a time. The command service
 * turns it into a domain {@link AccountCommand}.
 */
public sealed interface AccountRequest {

    /** What the command does, as it appears in the idempotency fingerprint. */
    String describe();

    AccountCommand toCommand(AccountId accountId, Instant receivedAt);

    record Create(String owner) implements AccountRequest {
        @Override
        public String describe() {
            return "create|" + (owner == null ? "" : owner.strip());
        }

        @Override
        public AccountCommand toCommand(AccountId accountId, Instant receivedAt) {
            return new AccountCommand.CreateAccount(accountId, owner, receivedAt);
        }
    }

    record Credit(AccountId accountId, Money amount) implements AccountRequest {
        @Override
        public String describe() {
            return "credit|" + accountId + "|" + amount.minorUnits();
        }

        @Override
        public AccountCommand toCommand(AccountId id, Instant receivedAt) {
            return new AccountCommand.Credit(id, amount, receivedAt);
        }
    }

    record Withdraw(AccountId accountId, Money amount) implements AccountRequest {
        @Override
        public String describe() {
            return "withdraw|" + accountId + "|" + amount.minorUnits();
        }

        @Override
        public AccountCommand toCommand(AccountId id, Instant receivedAt) {
            return new AccountCommand.Withdraw(id, amount, receivedAt);
        }
    }
}
