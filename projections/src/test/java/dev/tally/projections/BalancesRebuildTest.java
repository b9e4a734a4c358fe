package dev.tally.projections;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.LocalDynamo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Rebuilds on a real dynalite: from scratch, and resumed after an interruption. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class BalancesRebuildTest {

    private Dynalite dynalite;
    private DynamoDbClient dynamo;
    private DynamoEventStore events;
    private ProjectionCatalog catalog;
    private BalanceProjector projector;
    private final Map<String, Long> expected = new HashMap<>();

    @BeforeEach
    void start() {
        dynalite = Dynalite.inMemory();
        dynamo = LocalDynamo.clientFor(dynalite);
        EventTable.create(dynamo, "events");
        BalanceProjectionApp.prepare(dynamo, "projections", "tally-balances");
        events = new DynamoEventStore(dynamo, "events", SnapshotPolicy.defaults());
        catalog = new ProjectionCatalog(dynamo, "projections", Clock.systemUTC());
        projector = new BalanceProjector(dynamo, events, Clock.systemUTC());
        for (int a = 0; a < 12; a++) {
            var id = new AccountId(UUID.randomUUID());
            var state = AccountDecider.initialState(id);
            var history = new ArrayList<AccountEvent>();
            history.add(new AccountEvent.AccountCreated(id, new dev.tally.domain.Principal("https://id.example.com/", "o" + a), null, Instant.EPOCH));
            for (int i = 1; i <= a; i++) {
                history.add(new AccountEvent.BalanceCredited(id, Money.ofMinor(100L * i), Instant.EPOCH));
            }
            for (var event : history) {
                state = ((AppendResult.Appended) events.append(state, List.of(event),
                        dev.tally.eventstore.EventMetadata.none())).state();
            }
            expected.put(id.toString(), state.balance().minorUnits());
        }
    }

    @AfterEach
    void stop() {
        dynamo.close();
        dynalite.close();
    }

    private Map<String, Long> balances(String table) {
        var balances = new HashMap<String, Long>();
        for (var item : dynamo.scan(b -> b.tableName(table)).items()) {
            balances.put(item.get(BalancesTable.ACCOUNT_ID).s(), Long.parseLong(item.get(BalancesTable.BALANCE_MINOR).n()));
        }
        return balances;
    }

    @Test
    void a_rebuild_replays_every_account_and_switches_readers() throws Exception {
        var lines = new ArrayList<String>();

        var table = new BalancesRebuild(dynamo, catalog, projector, "events", Clock.systemUTC(), lines::add).run(3);

        assertThat(balances(table)).isEqualTo(expected);
        assertThat(catalog.targets("balances").active()).isEqualTo(table);
        assertThat(catalog.rebuild("balances")).isEmpty();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("segment"))
                .anySatisfy(line -> assertThat(line).contains("readers switched to " + table));
    }

    @Test
    void running_it_again_after_an_interruption_finishes_the_registered_rebuild() throws Exception {
        // An earlier run registered its table, finished segment 0 and died.
        var table = BalancesTable.INITIAL_NAME + "-interrupted";
        BalancesTable.create(dynamo, table);
        catalog.startRebuild("balances", table, 2);
        for (var page : dynamo.scanPaginator(b -> b.tableName("events").segment(0).totalSegments(2))) {
            for (var item : page.items()) {
                projector.apply(table, BalanceChange.of(dev.tally.eventstore.EventItemCodec.decode(item)));
            }
        }
        catalog.segmentDone("balances", 0);
        var lines = new ArrayList<String>();

        var finished = new BalancesRebuild(dynamo, catalog, projector, "events", Clock.systemUTC(), lines::add).run(8);

        assertThat(finished).isEqualTo(table);
        assertThat(lines.getFirst()).contains("resuming the rebuild into " + table + ": 1 of 2 segments done");
        assertThat(balances(table)).isEqualTo(expected);
        assertThat(catalog.targets("balances").active()).isEqualTo(table);
    }

}
