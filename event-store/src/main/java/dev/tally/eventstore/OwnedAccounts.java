package dev.tally.eventstore;

import dev.tally.domain.AccountId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A page of the accounts one principal owns, in account id order.
 *
 * @param next the {@code after} that reads the next page, or empty on the last page
 */
public record OwnedAccounts(List<Account> accounts, Optional<AccountId> next) {

    /** @param displayName the name given at creation, or null */
    public record Account(AccountId accountId, String displayName, Instant openedAt) {
    }

    public OwnedAccounts {
        accounts = List.copyOf(accounts);
    }
}
