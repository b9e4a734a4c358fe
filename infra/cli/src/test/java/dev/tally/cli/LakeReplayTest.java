package dev.tally.cli;

import dev.tally.cli.demo.Claim;
import dev.tally.cli.demo.PipelineInvariants;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.LoadGenerator;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.subscriptions.PositionTable;
import example.alerts.AlertsSettings;
import example.alerts.WithdrawalDaysTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replay from the lake on the local stack: after a load, a new subscription reads the lake's history from s3rver,
 * switches to the stream at a point that overlaps it (so every event of the stream is met twice), keeps following it,
 * and ends with each account's position at its newest version and each effect applied once: its table of withdrawal
 * days equals the one the live example subscriber keeps from the stream.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeReplayTest {

    private static final String NAME = "replay-test";

    private static DevStack stack;
    private static LoadGenerator load;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStack.Settings.ephemeral(), Progress.silent());
        load = new LoadGenerator(new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "replay-test")));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /** The newest version of every account in the events table. */
    private static Map<String, Long> tableVersions() {
        var versions = new TreeMap<String, Long>();
        PipelineInvariants.table(stack.dynamo()).events().forEach(e -> versions.merge(e.accountId(), e.version(), Math::max));
        return versions;
    }

    private static Map<String, Long> positions(String subscription) {
        var positions = new TreeMap<String, Long>();
        stack.dynamo().scanPaginator(b -> b.tableName(PositionTable.nameFor(subscription)).consistentRead(true)).items()
                .forEach(item -> positions.put(item.get(PositionTable.ACCOUNT_ID).s(),
                        Long.parseLong(item.get(PositionTable.VERSION).n())));
        return positions;
    }

    /** (account, day) to "total / withdrawals" in a subscriber's table. */
    private static Map<String, String> days(String table) {
        var days = new TreeMap<String, String>();
        stack.dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(item -> days.put(item.get(WithdrawalDaysTable.ACCOUNT_ID).s() + " " + item.get(WithdrawalDaysTable.DAY).s(),
                        item.get(WithdrawalDaysTable.TOTAL_MINOR).n() + " / " + item.get(WithdrawalDaysTable.WITHDRAWALS).n()));
        return days;
    }

    @Test
    void a_subscription_started_from_the_lake_receives_every_event_once_in_order_then_follows_the_stream(@TempDir Path lakeCache,
                                                                                                        @TempDir Path replayCache)
            throws Exception {
        var before = load.run(12, 160, 4, 7, line -> { }, answered -> { });
        var lake = await("the lake to hold every event").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> PipelineInvariants.lake(stack.dynamo(), stack.lake().s3(), DevLake.BUCKET, lakeCache,
                        AlertsSettings.fromEnvironment(stack.exports())),
                        contents -> contents.tableAccounts() == before.accounts().size() && contents.reconciles());
        assertThat(Claim.failed(lake.claims())).isEmpty();
        var live = AlertsSettings.fromEnvironment(stack.exports());

        try (var replay = LakeReplay.start(stack.exports(), NAME, replayCache, line -> { })) {
            assertThat(replay.history().events()).as("events from the lake").isEqualTo(lake.tableEvents());
            assertThat(replay.history().handled()).isEqualTo(lake.tableEvents());
            assertThat(positions(NAME)).as("after the lake alone").isEqualTo(tableVersions());

            await("the replay to catch up on the stream").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(replay::caughtUp);
            // the stream was read from an hour before the lake's newest event: all of it again, all skipped
            assertThat(replay.subscription().handled()).as("handled in all, history and stream").isEqualTo(lake.tableEvents());

            var more = load.on(before.accounts(), 60, 4, 9, line -> { }, answered -> { });
            assertThat(more.statuses()).containsKey(200);

            await("the replayed subscription to follow the new events").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(positions(NAME)).isEqualTo(tableVersions()));
            await("the live example to agree").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(positions(live.subscription())).isEqualTo(tableVersions()));
            assertThat(days(LakeReplay.settings(stack.exports(), NAME).table())).as("withdrawal days, replayed vs live: each effect once").isEqualTo(days(live.table()))
                    .isNotEmpty();
            assertThat(new DynamoDeadLetterStore(stack.dynamo(), DeadLetterTable.nameFor(NAME)).count(NAME)).isZero();
            assertThat(replay.subscription().parked()).isZero();
        }
    }
}
