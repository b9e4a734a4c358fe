package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;

/** {@code POST /accounts/{id}/withdraw}: 422 when the balance is too low. */
public final class WithdrawHandler extends MoneyMovementHandler {

    public WithdrawHandler() {
        this(AccountsApiEnvironment.shared());
    }

    public WithdrawHandler(AccountService accounts) {
        super(AccountsApiRoute.WITHDRAW, accounts);
    }

    @Override
    AccountRequest request(AccountId accountId, Money amount) {
        return new AccountRequest.Withdraw(accountId, amount);
    }
}
