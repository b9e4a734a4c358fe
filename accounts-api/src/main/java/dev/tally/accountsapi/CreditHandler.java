package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;

/** {@code POST /accounts/{id}/credit}. */
public final class CreditHandler extends MoneyMovementHandler {

    public CreditHandler() {
        this(AccountsApiEnvironment.shared());
    }

    public CreditHandler(AccountService accounts) {
        super(AccountsApiRoute.CREDIT, accounts);
    }

    @Override
    AccountRequest request(AccountId accountId, Money amount) {
        return new AccountRequest.Credit(accountId, amount);
    }
}
