package dev.tally.domain;

import dev.tally.domain.AccountCommand.CreateAccount;
import dev.tally.domain.AccountCommand.Credit;
import dev.tally.domain.AccountCommand.Withdraw;
import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import dev.tally.domain.Rejection.Reason;

import java.util.List;

/**
 * The account's rules as three pure functions: {@link #initialState}, {@link #decide} and {@link #evolve}.
 * Nothing here reads a clock, makes an id or does I/O; those arrive inside the command.
 *
 * <p>Every accepted command yields exactly one event. The event store relies on that to write a command's
 * effect with a single conditional put (see event-store/README.md).
 */
public final class AccountDecider {

    private AccountDecider() {
    }

    public static AccountState initialState(AccountId accountId) {
        return new AccountState(accountId, 0, null, null, Money.ZERO, null);
    }

    public static Decision decide(AccountCommand command, AccountState state) {
        if (!command.accountId().equals(state.accountId())) {
            throw new IllegalArgumentException(
                    "command for account " + command.accountId() + " given the state of " + state.accountId());
        }
        return switch (command) {
            case CreateAccount create -> state.exists()
                    ? refuse(Reason.ACCOUNT_ALREADY_EXISTS, "account " + state.accountId() + " already exists")
                    : accept(new AccountCreated(create.accountId(), create.actor(), create.displayName(),
                    create.receivedAt()));
            case Credit credit -> {
                if (!state.isOwnedBy(credit.actor())) {
                    yield notFound(state);
                }
                if (state.balance().minorUnits() > Long.MAX_VALUE - credit.amount().minorUnits()) {
                    yield refuse(Reason.BALANCE_LIMIT_EXCEEDED, "balance " + state.balance() + " plus credit "
                            + credit.amount() + " exceeds the largest balance an account can hold");
                }
                yield accept(new BalanceCredited(credit.accountId(), credit.amount(), credit.receivedAt()));
            }
            case Withdraw withdraw -> {
                if (!state.isOwnedBy(withdraw.actor())) {
                    yield notFound(state);
                }
                if (state.balance().isLessThan(withdraw.amount())) {
                    yield refuse(Reason.INSUFFICIENT_FUNDS, "balance " + state.balance()
                            + " is less than withdrawal " + withdraw.amount());
                }
                yield accept(new BalanceWithdrawn(withdraw.accountId(), withdraw.amount(), withdraw.receivedAt()));
            }
        };
    }

    /**
     * Applies one recorded event. Exhaustive with no default: a new event type does not compile until every fold
     * handles it.
     *
     * @throws ArithmeticException if the balance would overflow, which a history produced by {@link #decide}
     *                             cannot reach
     */
    public static AccountState evolve(AccountState state, AccountEvent event) {
        long next = state.version() + 1;
        return switch (event) {
            case AccountCreated created -> new AccountState(state.accountId(), next, created.owner(),
                    created.displayName(), Money.ZERO, created.occurredAt());
            case BalanceCredited credited -> new AccountState(state.accountId(), next, state.owner(),
                    state.displayName(), state.balance().plus(credited.amount()), state.openedAt());
            case BalanceWithdrawn withdrawn -> new AccountState(state.accountId(), next, state.owner(),
                    state.displayName(), state.balance().minus(withdrawn.amount()), state.openedAt());
        };
    }

    public static AccountState fold(AccountState state, List<? extends AccountEvent> events) {
        var current = state;
        for (var event : events) {
            current = evolve(current, event);
        }
        return current;
    }

    private static Decision accept(AccountEvent event) {
        return new Decision.Accepted(List.of(event));
    }

    private static Decision refuse(Reason reason, String message) {
        return new Decision.Rejected(new Rejection(reason, message));
    }

    /**
     * Money moves only in the actor's own account. Anyone else is told the account does not exist, in the same
     * words as for an account that does not, so that a refusal never reveals whether someone else's account exists.
     */
    private static Decision notFound(AccountState state) {
        return refuse(Reason.ACCOUNT_NOT_FOUND, "account " + state.accountId() + " does not exist");
    }
}
