package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;

/** {@code POST /accounts/{id}/credit}. */
public final class CreditHandler extends MoneyMovementHandler {

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public CreditHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.CREDIT, this);
    }

    public CreditHandler(AccountService accounts) {
        super(AccountsApiRoute.CREDIT, accounts);
    }

    @Override
    AccountRequest request(AccountId accountId, Money amount) {
        return new AccountRequest.Credit(accountId, amount);
    }
}
