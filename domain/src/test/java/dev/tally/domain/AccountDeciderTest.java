package dev.tally.domain;

import dev.tally.domain.AccountCommand.CreateAccount;
import dev.tally.domain.AccountCommand.Credit;
import dev.tally.domain.AccountCommand.Withdraw;
import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import dev.tally.domain.Rejection.Reason;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Given events, when a command, then events or a refusal. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class AccountDeciderTest {

    private static final AccountId ID = new AccountId(UUID.fromString("00000000-0000-4000-8000-000000000001"));
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-26T10:00:01Z");
    private static final Principal ALICE = new Principal("https://id.example.com/", "alice");
    private static final Principal BOB = new Principal("https://id.example.com/", "bob");

    private static AccountState given(AccountEvent... events) {
        return AccountDecider.fold(AccountDecider.initialState(ID), List.of(events));
    }

    private static Money money(String text) {
        return Money.parseAmount(text);
    }

    @Test
    void creating_an_account_records_who_owns_it_and_when() {
        var decision = AccountDecider.decide(new CreateAccount(ID, ALICE, "Ada", T0), given());

        assertThat(decision).isEqualTo(new Decision.Accepted(List.of(new AccountCreated(ID, ALICE, "Ada", T0))));
    }

    @Test
    void a_display_name_outside_the_rule_is_refused_naming_what_is_wrong() {
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "", T0)).hasMessageContaining("1 to 100 characters, was 0");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "a".repeat(101), T0)).hasMessageContaining("was 101");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "Ada\nLovelace", T0)).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "Ada\u202Eecalevol", T0)).hasMessageContaining("U+202E");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "Ada\u200B", T0)).hasMessageContaining("U+200B");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "Ada\uD800", T0)).hasMessageContaining("U+D800");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, "Ada\u2028", T0)).hasMessageContaining("U+2028");
        assertThatThrownBy(() -> new CreateAccount(ID, ALICE, " Ada", T0)).hasMessageContaining("whitespace");
        assertThat(new CreateAccount(ID, ALICE, "\uD83D\uDCB0".repeat(100), T0).displayName()).hasSize(200);
    }

    @Test
    void nobody_but_the_owner_moves_money_and_the_refusal_does_not_reveal_the_account() {
        var state = given(new AccountCreated(ID, ALICE, null, T0), new BalanceCredited(ID, money("12"), T0));
        var unknown = new Decision.Rejected(new Rejection(Reason.ACCOUNT_NOT_FOUND, "account " + ID + " does not exist"));

        assertThat(AccountDecider.decide(new Credit(ID, BOB, money("1"), T1), state)).isEqualTo(unknown);
        assertThat(AccountDecider.decide(new Withdraw(ID, BOB, money("1"), T1), state)).isEqualTo(unknown);
        assertThat(AccountDecider.decide(new Withdraw(ID, BOB, money("1"), T1), given())).isEqualTo(unknown);
    }

    @Test
    void an_account_opened_before_owners_were_recorded_takes_no_money_movements() {
        var legacy = given(new AccountCreated(ID, null, "Ada", T0));

        assertThat(AccountDecider.decide(new Credit(ID, ALICE, money("1"), T1), legacy))
                .isInstanceOf(Decision.Rejected.class);
        assertThat(legacy.isOwnedBy(ALICE)).isFalse();
    }

    @Test
    void creating_an_account_twice_is_refused() {
        var decision = AccountDecider.decide(new CreateAccount(ID, ALICE, null, T1), given(new AccountCreated(ID, ALICE, null, T0)));

        assertThat(decision).isEqualTo(new Decision.Rejected(
                new Rejection(Reason.ACCOUNT_ALREADY_EXISTS, "account " + ID + " already exists")));
    }

    @Test
    void crediting_an_open_account_records_the_credit() {
        var decision = AccountDecider.decide(new Credit(ID, ALICE, money("100.00"), T1), given(new AccountCreated(ID, ALICE, null, T0)));

        assertThat(decision).isEqualTo(new Decision.Accepted(List.of(new BalanceCredited(ID, money("100"), T1))));
    }

    @Test
    void crediting_an_unknown_account_is_refused() {
        var decision = AccountDecider.decide(new Credit(ID, ALICE, money("1"), T1), given());

        assertThat(decision).isEqualTo(new Decision.Rejected(
                new Rejection(Reason.ACCOUNT_NOT_FOUND, "account " + ID + " does not exist")));
    }

    @Test
    void withdrawing_more_than_the_balance_is_refused_naming_both_values() {
        var state = given(new AccountCreated(ID, ALICE, null, T0), new BalanceCredited(ID, money("12"), T0));

        var decision = AccountDecider.decide(new Withdraw(ID, ALICE, money("50"), T1), state);

        assertThat(decision).isEqualTo(new Decision.Rejected(
                new Rejection(Reason.INSUFFICIENT_FUNDS, "balance 12.00 is less than withdrawal 50.00")));
    }

    @Test
    void withdrawing_the_whole_balance_is_allowed() {
        var state = given(new AccountCreated(ID, ALICE, null, T0), new BalanceCredited(ID, money("12"), T0));

        var decision = AccountDecider.decide(new Withdraw(ID, ALICE, money("12.00"), T1), state);

        assertThat(decision).isEqualTo(new Decision.Accepted(List.of(new BalanceWithdrawn(ID, money("12"), T1))));
    }

    @Test
    void a_credit_that_would_overflow_the_balance_is_refused_not_wrapped() {
        var state = new AccountState(ID, 7, ALICE, null, Money.ofMinor(Long.MAX_VALUE - 5), T0);

        var decision = AccountDecider.decide(new Credit(ID, ALICE, Money.ofMinor(6), T1), state);

        assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class,
                r -> assertThat(r.rejection().reason()).isEqualTo(Reason.BALANCE_LIMIT_EXCEEDED));
    }

    @Test
    void evolving_counts_versions_and_the_balance() {
        var state = given(new AccountCreated(ID, ALICE, "Ada", T0), new BalanceCredited(ID, money("100"), T0),
                new BalanceWithdrawn(ID, money("30.50"), T1));

        assertThat(state).isEqualTo(new AccountState(ID, 3, ALICE, "Ada", money("69.50"), T0));
    }
}
