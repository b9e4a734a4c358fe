package dev.tally.cli;

import example.alerts.AlertsSettings;
import dev.tally.cli.demo.Claim;
import dev.tally.cli.demo.PipelineInvariants;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.LoadGenerator;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
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

    private static DevStack stack;
    private static LoadGenerator load;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStack.Settings.ephemeral(), Progress.silent());
        load = new LoadGenerator(new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "lake-test")));
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

        var lake = await("the lake to reconcile with the events table for all " + result.accounts().size() + " accounts")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> PipelineInvariants.lake(stack.dynamo(), stack.lake().s3(), DevLake.BUCKET, cache,
                        AlertsSettings.fromEnvironment(stack.exports())),
                        contents -> contents.tableAccounts() == result.accounts().size() && contents.reconciles()
                                && contents.alertsAgree());

        assertThat(Claim.failed(lake.claims())).as("claims that did not hold").isEmpty();
        assertThat(lake.reconciliation().rows()).hasSize(result.accounts().size());
        assertThat(lake.distinctEvents()).isEqualTo(lake.tableEvents());
        assertThat(lake.dailyEventCount()).isEqualTo(lake.tableEvents());
        assertThat(lake.overdraftAudit().rows()).isEmpty();
    }
}
