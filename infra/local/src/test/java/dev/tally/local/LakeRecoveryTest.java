package dev.tally.local;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.eventstore.EventTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole analytics path on the local stack: HTTP commands -> events table -> translator -> Kinesis -> lake writer
 * (its own KCL process, killed with -9 mid-load and restarted) -> Firehose stand-in -> s3rver -> DuckDB. The lake
 * must end holding every event once after de-duplication, and the reconciliation report must show no difference.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeRecoveryTest {

    private static LocalStack stack;
    private static LoadGenerator load;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStack.Settings.ephemeral(), Progress.silent());
        load = new LoadGenerator(new ApiClient(stack.apiEndpoint()));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void killed_with_minus_9_under_load_the_lake_writer_still_delivers_every_event_and_the_lake_reconciles(@TempDir Path cache)
            throws Exception {
        var writer = stack.lake().writer();
        var killed = new CopyOnWriteArrayList<Long>();
        var restart = new CopyOnWriteArrayList<CompletableFuture<Void>>();
        int commands = 600;
        var result = load.run(40, commands, 8, 11, line -> { }, answered -> {
            if (answered == commands / 2) {
                restart.add(CompletableFuture.runAsync(() -> {
                    try {
                        killed.add(writer.pid());
                        writer.killHard();
                        writer.start();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
        });
        CompletableFuture.allOf(restart.toArray(CompletableFuture[]::new)).join();
        assertThat(killed).hasSize(1);
        assertThat(ProcessHandle.of(killed.getFirst()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(writer.isAlive()).isTrue();

        var lakeCache = new LakeCache(stack.lake().s3(), LocalLake.BUCKET, cache);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            var summary = LedgerExport.export(stack.dynamo(), EventTable.DEFAULT_NAME, stack.lake().s3(), LocalLake.BUCKET);
            lakeCache.sync();
            var reconciliation = report(cache, Report.RECONCILIATION);
            int status = reconciliation.column("status");
            return summary.accounts().size() == result.accounts().size()
                    && reconciliation.rows().size() == result.accounts().size()
                    && reconciliation.rows().stream().allMatch(r -> "ok".equals(r.get(status)));
        });

        long tableEvents = LedgerExport.summarise(stack.dynamo(), EventTable.DEFAULT_NAME).accounts().values().stream()
                .mapToLong(LedgerExport.Account::eventCount).sum();
        try (var engine = new DuckDbEngine(cache)) {
            var distinct = engine.query("SELECT count(DISTINCT event_id) AS n FROM lake_events", List.of()).rows();
            assertThat(distinct).containsExactly(List.of(tableEvents));
        }
        var daily = report(cache, Report.DAILY_TOTALS);
        int count = daily.column("event_count");
        assertThat(daily.rows().stream().mapToLong(r -> (Long) r.get(count)).sum()).isEqualTo(tableEvents);
        assertThat(report(cache, Report.OVERDRAFT_AUDIT).rows()).isEmpty();
    }

    private static ReportResult report(Path cache, Report report) {
        try (var engine = new DuckDbEngine(cache)) {
            return new ReportRunner(engine).run(report, Optional.empty());
        }
    }
}
