package dev.tally.cli;

import dev.tally.cli.demo.PipelineInvariants.BalancesAgreement;
import dev.tally.cli.demo.PipelineInvariants;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.LoadGenerator;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventTable;
import dev.tally.projections.BalanceProjector;
import dev.tally.projections.BalancesRebuild;
import dev.tally.projections.BalancesTable;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The balances projection, as its own KCL worker process, under load through the HTTP API: killed with -9 twice
 * and restarted, it still ends exact; a rebuild from the events table gives the same table. Each test makes its
 * own load, so either passes alone.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProjectionRecoveryTest {

    private static DevStack stack;
    private static ApiClient api;
    private static LoadGenerator load;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStack.Settings.ephemeral(), Progress.silent());
        api = new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "projection-test"));
        load = new LoadGenerator(api);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void killed_with_minus_9_twice_during_load_the_projection_still_ends_exact() throws Exception {
        var worker = stack.projectionWorker();
        var restarts = new CopyOnWriteArrayList<CompletableFuture<Void>>();
        var killedPids = new CopyOnWriteArrayList<Long>();
        int commands = 1500;
        var result = load.run(100, commands, 16, 7, line -> { }, answered -> {
            if (answered == commands / 3 || answered == 2 * commands / 3) {
                restarts.add(CompletableFuture.runAsync(() -> {
                    try {
                        killedPids.add(worker.pid());
                        worker.killHard();
                        worker.start();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
        });
        CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).join();

        assertThat(killedPids).hasSize(2).doesNotHaveDuplicates();
        assertThat(killedPids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(worker.isAlive()).isTrue();
        var agreement = await("the balances projection to show every account at the write side's balance and version")
                .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> PipelineInvariants.balances(api, result.accounts()), BalancesAgreement::holds);
        assertThat(agreement.accounts()).hasSize(100);
        assertThat(agreement.claim().held()).as(agreement.claim().toString()).isTrue();
    }

    @Test
    @Order(2)
    void a_rebuild_from_the_events_table_equals_the_live_table() throws Exception {
        var accounts = load.run(20, 200, 8, 13, line -> { }, answered -> { }).accounts();
        // the live table is what the rebuild is compared with, so it must be complete: every account of the table,
        // this test's and any other's, at the write side's balance and version
        var everyAccount = PipelineInvariants.table(stack.dynamo()).accounts();
        assertThat(everyAccount).containsAll(accounts);
        await("the balances projection to show every account at the write side's balance and version")
                .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> PipelineInvariants.balances(api, everyAccount), BalancesAgreement::holds);
        var dynamo = stack.dynamo();
        var clock = Clock.systemUTC();
        var catalog = new ProjectionCatalog(dynamo, ProjectionCatalog.DEFAULT_NAME, clock);
        var live = catalog.targets(ProjectionEnvironment.BALANCES).active();
        var projector = new BalanceProjector(dynamo, new DynamoEventStore(dynamo, EventTable.DEFAULT_NAME,
                SnapshotPolicy.defaults()), clock);

        var rebuilt = new BalancesRebuild(dynamo, catalog, projector, EventTable.DEFAULT_NAME, clock, line -> { }).run(4);

        assertThat(rebuilt).isNotEqualTo(live);
        assertThat(contents(rebuilt)).hasSize(contents(live).size()).isEqualTo(contents(live));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(api.get("/balances/" + accounts.getFirst()).status()).isEqualTo(200));
        assertThat(catalog.targets(ProjectionEnvironment.BALANCES).active()).isEqualTo(rebuilt);
    }

    /** Account -> balance, version, last event and its time: everything but when it was projected. */
    private static Map<String, List<String>> contents(String table) {
        var contents = new HashMap<String, List<String>>();
        for (var item : stack.dynamo().scan(b -> b.tableName(table).consistentRead(true)).items()) {
            contents.put(item.get(BalancesTable.ACCOUNT_ID).s(), List.of(
                    item.get(BalancesTable.BALANCE_MINOR).n(), item.get(BalancesTable.VERSION).n(),
                    item.get(BalancesTable.LAST_EVENT_ID).s(), item.get(BalancesTable.UPDATED_AT).s()));
        }
        return contents;
    }

}
