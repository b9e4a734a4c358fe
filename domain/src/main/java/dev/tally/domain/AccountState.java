package dev.tally.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An account as of one version of its history. Version 0 is an account that does not exist yet.
 *
 * @param owner       who opened the account, or null while it does not exist, or for an account opened before owners
 *                    were recorded
 * @param displayName the name given at creation, or null
 * @param openedAt    when the account was created, or null while it does not exist
 */
public record AccountState(AccountId accountId, long version, Principal owner, String displayName, Money balance,
                           Instant openedAt) {

    public AccountState {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(balance, "balance");
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
    }

    public boolean exists() {
        return openedAt != null;
    }

    /** True if the account exists and {@code principal} opened it; an account without a recorded owner has none. */
    public boolean isOwnedBy(Principal principal) {
        return exists() && owner != null && owner.equals(principal);
    }
}
