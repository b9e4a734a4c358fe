package dev.tally.projections;

import dev.tally.contracts.DomainEvent;
import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.LocalDynamo;
import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.testing.SubscriptionFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balances projection on the kit's test bench (given / when / then), on a real dynalite with the events table it
 * repairs gaps from: duplicates, a gap, poison bytes and a balance that disagrees with the write side.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class BalancesSubscriberFixtureTest {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    private static final Principal OWNER = new Principal("https://id.example.com/", "owner");
    private static final Instant AT = Instant.parse("2026-12-05T10:00:00Z");
    private static DynamoEventStore events;
    private SubscriptionFixture fixture;

    @BeforeAll
    static void tables() {
        var dynamo = DYNAMO.client();
        EventTable.create(dynamo, "events");
        ProjectionCatalog.create(dynamo, "projections");
        BalancesTable.create(dynamo, BalancesTable.INITIAL_NAME);
        new ProjectionCatalog(dynamo, "projections", Clock.systemUTC())
                .initialize(ProjectionEnvironment.BALANCES, BalancesTable.INITIAL_NAME);
        events = new DynamoEventStore(dynamo, "events", SnapshotPolicy.defaults());
    }

    @BeforeEach
    void bench() {
        var dynamo = DYNAMO.client();
        var clock = Clock.systemUTC();
        fixture = SubscriptionFixture.perEvent(new BalancesSubscriber(new BalanceProjector(dynamo, events, clock),
                new ProjectionCatalog(dynamo, "projections", clock), new LagRecorder(clock), clock));
    }

    /** An account written to the events table: created, then credited each amount (minor units). */
    private static String account(long... credits) {
        var id = new AccountId(UUID.randomUUID());
        var state = AccountDecider.initialState(id);
        List<AccountEvent> history = new java.util.ArrayList<>();
        history.add(new AccountEvent.AccountCreated(id, OWNER, null, AT));
        for (var credit : credits) {
            history.add(new AccountEvent.BalanceCredited(id, Money.ofMinor(credit), AT));
        }
        for (var event : history) {
            state = ((AppendResult.Appended) events.append(state, List.of(event),
                    EventMetadata.of(OWNER, "req", Optional.empty()))).state();
        }
        return id.toString();
    }

    private static DomainEvent created(String account) {
        var owner = new DomainEvent.Identity(OWNER.issuer(), OWNER.subject());
        return new DomainEvent.AccountCreated(DomainEvent.eventIdFor(account, 1), account, 1, AT, owner, null, owner, null, null, null);
    }

    private static DomainEvent credited(String account, long version, long amount, long balanceAfter) {
        return new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(account, version), account, version, AT, amount,
                balanceAfter, null, null, null, null);
    }

    private static Map<String, AttributeValue> row(String account) {
        return DYNAMO.client().getItem(b -> b.tableName(BalancesTable.INITIAL_NAME).consistentRead(true)
                .key(Map.of(BalancesTable.ACCOUNT_ID, AttributeValue.fromS(account)))).item();
    }

    @Test
    void duplicates_change_nothing_and_poison_bytes_are_parked_while_the_account_goes_on() {
        var account = account(1000, 250);

        var outcome = fixture.when(created(account), credited(account, 2, 1000, 1000), credited(account, 2, 1000, 1000),
                "\u0000not an event", credited(account, 3, 250, 1250));

        assertThat(outcome.handled()).isEqualTo(4);
        assertThat(fixture.deadLetters()).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.UNREADABLE);
        assertThat(row(account).get(BalancesTable.BALANCE_MINOR).n()).isEqualTo("1250");
        assertThat(row(account).get(BalancesTable.VERSION).n()).isEqualTo("3");
    }

    @Test
    void a_gap_is_repaired_from_the_events_table() {
        var account = account(100, 200, 300);

        fixture.when(created(account), credited(account, 4, 300, 600));

        assertThat(fixture.deadLetters()).isEmpty();
        assertThat(row(account).get(BalancesTable.BALANCE_MINOR).n()).isEqualTo("600");
        assertThat(BalancesTable.owner(row(account))).isEqualTo(OWNER);
    }

    @Test
    void a_balance_that_disagrees_with_the_write_side_is_parked_not_applied() {
        var account = account(100);

        fixture.when(created(account), credited(account, 2, 100, 999));

        assertThat(fixture.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
            assertThat(letter.reason()).contains("differs from the recorded 999");
        });
        assertThat(row(account).get(BalancesTable.VERSION).n()).isEqualTo("1");
    }
}
