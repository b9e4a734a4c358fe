package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;

/** {@code POST /accounts/{id}/withdraw}: 422 when the balance is too low. */
public final class WithdrawHandler extends MoneyMovementHandler {

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public WithdrawHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.WITHDRAW, this);
    }

    public WithdrawHandler(AccountService accounts) {
        super(AccountsApiRoute.WITHDRAW, accounts);
    }

    @Override
    AccountRequest request(AccountId accountId, Money amount) {
        return new AccountRequest.Withdraw(accountId, amount);
    }
}
