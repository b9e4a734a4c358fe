package dev.tally.domain;

import dev.tally.domain.AccountCommand.CreateAccount;
import dev.tally.domain.AccountCommand.Credit;
import dev.tally.domain.AccountCommand.Withdraw;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccountProperties {

    private static final AccountId ID = new AccountId(UUID.fromString("00000000-0000-4000-8000-000000000002"));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Principal OWNER = new Principal("https://id.example.com/", "owner");
    private static final Principal OTHER = new Principal("https://other.example.com/", "owner");

    /** Runs the commands through decide and evolve, as the command service does, and keeps the accepted events. */
    private static List<AccountEvent> history(List<AccountCommand> commands) {
        var state = AccountDecider.initialState(ID);
        var events = new ArrayList<AccountEvent>();
        for (var command : commands) {
            if (AccountDecider.decide(command, state) instanceof Decision.Accepted accepted) {
                for (var event : accepted.events()) {
                    state = AccountDecider.evolve(state, event);
                    events.add(event);
                }
            }
        }
        return events;
    }

    @Property
    void state_from_a_snapshot_plus_the_tail_equals_state_from_scratch(
            @ForAll("commands") List<AccountCommand> commands, @ForAll @IntRange(min = 1, max = 20) int every) {
        var events = history(commands);
        var policy = new SnapshotPolicy(every);
        var fromScratch = AccountDecider.fold(AccountDecider.initialState(ID), events);

        // The newest snapshot is taken at the last version the policy marks.
        var snapshotVersion = (int) (events.size() - events.size() % every);
        var snapshot = AccountDecider.fold(AccountDecider.initialState(ID), events.subList(0, snapshotVersion));
        assertThat(snapshotVersion == 0 || policy.isSnapshotVersion(snapshot.version())).isTrue();

        var fromSnapshot = AccountDecider.fold(snapshot, events.subList(snapshotVersion, events.size()));
        assertThat(fromSnapshot).isEqualTo(fromScratch);
    }

    @Property
    void the_balance_never_goes_negative(@ForAll("commands") List<AccountCommand> commands) {
        var state = AccountDecider.initialState(ID);
        for (var event : history(commands)) {
            state = AccountDecider.evolve(state, event);
            assertThat(state.balance().isNegative()).as("balance after version %d", state.version()).isFalse();
        }
    }

    @Property
    void the_balance_equals_credits_minus_withdrawals(@ForAll("commands") List<AccountCommand> commands) {
        var events = history(commands);
        long credits = events.stream().filter(BalanceCredited.class::isInstance)
                .mapToLong(e -> ((BalanceCredited) e).amount().minorUnits()).sum();
        long withdrawals = events.stream().filter(BalanceWithdrawn.class::isInstance)
                .mapToLong(e -> ((BalanceWithdrawn) e).amount().minorUnits()).sum();

        var state = AccountDecider.fold(AccountDecider.initialState(ID), events);

        assertThat(state.balance().minorUnits()).isEqualTo(credits - withdrawals);
        assertThat(state.version()).isEqualTo(events.size());
    }

    @Property
    void only_the_owner_ever_moves_money(@ForAll("commands") List<AccountCommand> commands) {
        var state = AccountDecider.initialState(ID);
        for (var command : commands) {
            var decision = AccountDecider.decide(command, state);
            if (!(command instanceof CreateAccount) && decision instanceof Decision.Accepted accepted) {
                assertThat(command.actor()).isEqualTo(OWNER);
                state = AccountDecider.fold(state, accepted.events());
            } else if (decision instanceof Decision.Accepted accepted) {
                state = AccountDecider.fold(state, accepted.events());
            }
        }
    }

    @Provide
    Arbitrary<List<AccountCommand>> commands() {
        Arbitrary<Money> amounts = Arbitraries.longs().between(1, Money.MAX_PER_COMMAND.minorUnits()).map(Money::ofMinor)
                .edgeCases(c -> c.add(Money.ofMinor(1)));
        Arbitrary<Instant> times = Arbitraries.longs().between(0, 86_400_000L).map(T0::plusMillis);
        Arbitrary<AccountCommand> create = times.map(t -> new CreateAccount(ID, OWNER, "owner", t));
        // Mostly the owner; sometimes the same subject at another issuer, who is someone else.
        Arbitrary<Principal> actors = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.just(OWNER)), net.jqwik.api.Tuple.of(1, Arbitraries.just(OTHER)));
        Arbitrary<AccountCommand> credit = Combinators.combine(actors, amounts, times).as((p, a, t) -> new Credit(ID, p, a, t));
        Arbitrary<AccountCommand> withdraw = Combinators.combine(actors, amounts, times).as((p, a, t) -> new Withdraw(ID, p, a, t));
        Arbitrary<AccountCommand> any = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, create), net.jqwik.api.Tuple.of(5, credit), net.jqwik.api.Tuple.of(5, withdraw));
        // Most histories start with a creation, so that credits and withdrawals have something to act on.
        return Combinators.combine(create, any.list().ofMaxSize(60))
                .as((first, rest) -> {
                    var all = new ArrayList<AccountCommand>();
                    all.add(first);
                    all.addAll(rest);
                    return (List<AccountCommand>) all;
                });
    }
}
