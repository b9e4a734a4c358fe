package dev.tally.accountsapi;

import dev.tally.domain.AccountCommand;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;

import java.time.Instant;

/**
 * A validated request to change an account, before the server has given it an id or a time. The command service
 * turns it into a domain {@link AccountCommand}.
 */
public sealed interface AccountRequest {

    /** What the command does, as it appears in the idempotency fingerprint. */
    String describe();

    AccountCommand toCommand(AccountId accountId, Principal actor, Instant receivedAt);

    /** @param displayName the optional name, already checked against {@code DisplayName}, or null */
    record Create(String displayName) implements AccountRequest {
        @Override
        public String describe() {
            // null and a name differ; no name can be "\u0000", which is a control character
            return "create|" + (displayName == null ? "\u0000" : displayName);
        }

        @Override
        public AccountCommand toCommand(AccountId accountId, Principal actor, Instant receivedAt) {
            return new AccountCommand.CreateAccount(accountId, actor, displayName, receivedAt);
        }
    }

    record Credit(AccountId accountId, Money amount) implements AccountRequest {
        @Override
        public String describe() {
            return "credit|" + accountId + "|" + amount.minorUnits();
        }

        @Override
        public AccountCommand toCommand(AccountId id, Principal actor, Instant receivedAt) {
            return new AccountCommand.Credit(id, actor, amount, receivedAt);
        }
    }

    record Withdraw(AccountId accountId, Money amount) implements AccountRequest {
        @Override
        public String describe() {
            return "withdraw|" + accountId + "|" + amount.minorUnits();
        }

        @Override
        public AccountCommand toCommand(AccountId id, Principal actor, Instant receivedAt) {
            return new AccountCommand.Withdraw(id, actor, amount, receivedAt);
        }
    }
}
