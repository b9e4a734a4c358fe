package dev.tally.accountsapi;

import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.eventstore.InMemoryEventStore;
import dev.tally.eventstore.InMemoryIdempotencyStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyProperties {

    private static final Principal ALICE = new Principal("https://id.example.com/", "alice");

    record Step(boolean credit, long minor, int repeats) {
    }

    @Property(tries = 200)
    void a_repeated_command_changes_nothing(@ForAll("steps") List<Step> steps) {
        var events = new InMemoryEventStore();
        var service = new AccountService(events, new InMemoryIdempotencyStore(),
                Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC), UUID::randomUUID,
                AccountService.CONFLICT_RETRIES);
        var id = ((CommandResult.Applied) service.execute(CommandContext.of(ALICE, "req-1"), new AccountRequest.Create(null),
                Optional.empty())).accountId();
        int applied = 0;
        for (int i = 0; i < steps.size(); i++) {
            var step = steps.get(i);
            AccountRequest request = step.credit()
                    ? new AccountRequest.Credit(id, Money.ofMinor(step.minor()))
                    : new AccountRequest.Withdraw(id, Money.ofMinor(step.minor()));
            var key = Optional.of("step-" + i);
            var first = service.execute(CommandContext.of(ALICE, "req-1"), request, key);
            var versionAfterFirst = service.get(id).version();
            for (int r = 0; r < step.repeats(); r++) {
                assertThat(service.execute(CommandContext.of(ALICE, "req-1"), request, key)).isEqualTo(replayOf(first));
            }
            assertThat(service.get(id).version()).isEqualTo(versionAfterFirst);
            applied += first instanceof CommandResult.Applied ? 1 : 0;
        }
        assertThat(service.get(id).version()).isEqualTo(1 + applied);
        assertThat(service.get(id).balance().isNegative()).isFalse();
    }

    private static CommandResult replayOf(CommandResult first) {
        return switch (first) {
            case CommandResult.Applied a -> new CommandResult.Applied(a.accountId(), a.balance(), a.version(), true);
            case CommandResult.Refused r -> new CommandResult.Refused(r.accountId(), r.rejection(), true);
            default -> first;
        };
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs().between(1, 10_000),
                Arbitraries.integers().between(1, 3)).as(Step::new).list().ofMaxSize(30);
    }

}
