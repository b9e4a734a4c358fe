package dev.tally.local;

import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventTable;
import dev.tally.projections.BalanceProjector;
import dev.tally.projections.BalancesRebuild;
import dev.tally.projections.BalancesTable;
import dev.tally.projections.ProjectionCatalog;
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
 * and restarted, it still ends exact; a rebuild from the events table gives the same table.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProjectionRecoveryTest {

    private static LocalStack stack;
    private static ApiClient api;
    private static LoadGenerator load;
    private static List<String> accounts;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStack.Settings.ephemeral(), Progress.silent());
        api = new ApiClient(stack.apiEndpoint());
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
        accounts = result.accounts();
        CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).join();

        assertThat(killedPids).hasSize(2).doesNotHaveDuplicates();
        assertThat(killedPids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(worker.isAlive()).isTrue();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> load.agreeing(accounts) == accounts.size());
    }

    @Test
    @Order(2)
    void a_rebuild_from_the_events_table_equals_the_live_table() throws Exception {
        var dynamo = stack.dynamo();
        var clock = Clock.systemUTC();
        var catalog = new ProjectionCatalog(dynamo, ProjectionCatalog.DEFAULT_NAME, clock);
        var live = catalog.targets("balances").active();
        var projector = new BalanceProjector(dynamo, new DynamoEventStore(dynamo, EventTable.DEFAULT_NAME,
                SnapshotPolicy.defaults()), clock);

        var rebuilt = new BalancesRebuild(dynamo, catalog, projector, EventTable.DEFAULT_NAME, clock, line -> { }).run(4);

        assertThat(rebuilt).isNotEqualTo(live);
        assertThat(contents(rebuilt)).hasSize(contents(live).size()).isEqualTo(contents(live));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(api.get("/balances/" + accounts.getFirst()).status()).isEqualTo(200));
        assertThat(catalog.targets("balances").active()).isEqualTo(rebuilt);
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
