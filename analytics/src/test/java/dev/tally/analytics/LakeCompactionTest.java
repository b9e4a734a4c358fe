package dev.tally.analytics;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.tally.analytics.TestLake.credit;
import static dev.tally.analytics.TestLake.opened;
import static dev.tally.analytics.TestLake.withdrawal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compaction job on real Parquet files and DuckDB: every report gives the same rows on a compacted lake as on the
 * same lake never compacted (which the reports de-duplicate whole), with copies in closed and open days, copies and
 * events that arrive after a day was compacted, and a job stopped between its steps.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeCompactionTest {

    static final String ALICE = "0a000000-0000-4000-8000-000000000001";
    static final String BOB = "0b000000-0000-4000-8000-000000000002";
    /** 2026-03-05 10:00 UTC: with a grace of two days, 03-01 and 03-02 are closed, 03-03 on are open. */
    static final Clock NOW = Clock.fixed(Instant.parse("2026-03-05T10:00:00Z"), ZoneOffset.UTC);
    static final LocalDate MARCH_1 = LocalDate.parse("2026-03-01");
    static final LocalDate MARCH_2 = LocalDate.parse("2026-03-02");

    @TempDir
    Path reference;
    @TempDir
    Path compacted;
    @TempDir
    Path work;

    LakeCompaction compaction;

    @BeforeEach
    void lakes() {
        compaction = new LakeCompaction(new LakeFolder(compacted), NOW, LakeCompaction.DEFAULT_GRACE_DAYS, work);
        deliver(List.of(
                opened(ALICE, "2026-03-01T09:00:00Z"),
                credit(ALICE, 2, 10_000, 10_000, "2026-03-01T09:05:00.250Z"),
                withdrawal(ALICE, 3, 2_550, 7_450, "2026-03-01T23:59:59.999Z"),
                opened(BOB, "2026-03-01T12:00:00Z"),
                credit(BOB, 2, 500, 500, "2026-03-02T00:00:00Z"),
                withdrawal(ALICE, 4, 450, 7_000, "2026-03-02T08:00:00Z"),
                credit(BOB, 3, 1_000, 1_500, "2026-03-03T10:00:00Z"),
                credit(ALICE, 5, 25, 7_025, "2026-03-04T10:00:00Z")));
        // delivered again: copies in closed days (03-01, 03-02) and in open ones (03-03, 03-04)
        deliver(List.of(
                credit(ALICE, 2, 10_000, 10_000, "2026-03-01T09:05:00.250Z"),
                credit(BOB, 2, 500, 500, "2026-03-02T00:00:00Z"),
                credit(BOB, 3, 1_000, 1_500, "2026-03-03T10:00:00Z"),
                credit(ALICE, 5, 25, 7_025, "2026-03-04T10:00:00Z")));
    }

    /** Writes the rows into both lakes, as Firehose would deliver them: a new object per day. */
    void deliver(List<LakeRow> rows) {
        TestLake.writeCurrent(reference, rows);
        TestLake.writeCurrent(compacted, rows);
    }

    @Test
    void closed_days_are_rewritten_once_per_event_and_open_days_are_left_alone() {
        var done = compaction.run(line -> { });

        assertThat(done).extracting(LakeCompaction.Rewritten::day).containsExactly(MARCH_1, MARCH_2);
        assertThat(done).extracting(LakeCompaction.Rewritten::rowsRead).containsExactly(5L, 3L);
        assertThat(done).extracting(LakeCompaction.Rewritten::eventsWritten).containsExactly(4L, 2L);
        var folder = new LakeFolder(compacted);
        assertThat(folder.list(LakeTable.COMPACTED_PREFIX))
                .containsExactly(LakeCompaction.compactedKey(MARCH_1), LakeCompaction.compactedKey(MARCH_2));
        assertThat(folder.list(LakeTable.EVENTS_PREFIX)).allMatch(key -> key.contains("=2026-03-03/") || key.contains("=2026-03-04/"))
                .hasSize(4);
        assertThat(reportsOn(compacted)).isEqualTo(reportsOn(reference));
    }

    @Test
    void compaction_is_idempotent() {
        compaction.run(line -> { });
        var once = reportsOn(compacted);
        var compactedRows = rows(compacted, "SELECT * FROM lake_compacted ORDER BY event_id");

        assertThat(compaction.run(line -> { })).isEmpty();
        var again = compaction.rewrite(compaction.plan(MARCH_1));
        compaction.deleteRaw(compaction.plan(MARCH_1));

        assertThat(again.eventsWritten()).isEqualTo(4);
        assertThat(rows(compacted, "SELECT * FROM lake_compacted ORDER BY event_id")).isEqualTo(compactedRows);
        assertThat(reportsOn(compacted)).isEqualTo(once).isEqualTo(reportsOn(reference));
    }

    @Test
    void copies_and_events_that_arrive_after_their_day_was_compacted_are_counted_once_and_merged_by_the_next_run() {
        compaction.run(line -> { });
        // a late copy of a compacted event, a copy of an open one, and an event of a compacted day never seen before
        deliver(List.of(
                withdrawal(ALICE, 3, 2_550, 7_450, "2026-03-01T23:59:59.999Z"),
                credit(BOB, 3, 1_000, 1_500, "2026-03-03T10:00:00Z"),
                credit(BOB, 4, 70, 1_570, "2026-03-02T23:00:00Z")));
        assertThat(reportsOn(compacted)).isEqualTo(reportsOn(reference));

        var merged = compaction.run(line -> { });

        assertThat(merged).extracting(LakeCompaction.Rewritten::day).containsExactly(MARCH_1, MARCH_2);
        assertThat(merged).extracting(LakeCompaction.Rewritten::duplicatesRemoved).containsExactly(1L, 0L);
        assertThat(reportsOn(compacted)).isEqualTo(reportsOn(reference));
        assertThat(rows(compacted, "SELECT count(*) FROM lake_compacted")).containsExactly(List.of(7L));
    }

    @Test
    void a_job_stopped_between_its_steps_never_counts_a_day_twice_or_loses_it() {
        var expected = reportsOn(reference);
        var plan = compaction.plan(MARCH_1);
        assertThat(reportsOn(compacted)).as("planned").isEqualTo(expected);

        compaction.rewrite(plan);
        assertThat(reportsOn(compacted)).as("switched: the day both compacted and raw").isEqualTo(expected);

        new LakeFolder(compacted).delete(plan.rawKeys().getFirst());
        assertThat(reportsOn(compacted)).as("some raw objects deleted").isEqualTo(expected);

        // the job crashed here; the next run finishes the day and does the others
        assertThat(compaction.run(line -> { })).extracting(LakeCompaction.Rewritten::day).containsExactly(MARCH_1, MARCH_2);
        assertThat(reportsOn(compacted)).as("re-run").isEqualTo(expected);
        assertThat(new LakeFolder(compacted).list(LakeTable.EVENTS_PREFIX)).noneMatch(key -> key.contains("=2026-03-01/"));
    }

    @Test
    void the_lake_read_back_as_events_is_the_same_after_compaction() {
        var before = new ArrayList<dev.tally.contracts.DomainEvent>();
        LakeHistory.read(compacted, before::add);
        compaction.run(line -> { });
        var after = new ArrayList<dev.tally.contracts.DomainEvent>();
        LakeHistory.read(compacted, after::add);

        assertThat(after).hasSize(8).isEqualTo(before);
    }

    @Test
    void the_first_open_day_is_todays_utc_date_minus_the_grace_period() {
        assertThat(compaction.firstOpenDay()).isEqualTo(LocalDate.parse("2026-03-03"));
        var late = Clock.fixed(Instant.parse("2026-03-05T23:59:59Z"), java.time.ZoneId.of("Pacific/Auckland"));
        assertThat(new LakeCompaction(new LakeFolder(compacted), late, 0, work).firstOpenDay())
                .isEqualTo(LocalDate.parse("2026-03-05"));
    }

    @Test
    void a_folder_outside_the_partition_layout_fails_the_job_instead_of_being_skipped() throws Exception {
        var stray = compacted.resolve(LakeTable.EVENTS_PREFIX).resolve("stray.parquet");
        Files.copy(Files.list(compacted.resolve(LakeTable.EVENTS_PREFIX).resolve("event_date=2026-03-01")).findFirst().orElseThrow(), stray);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> compaction.run(line -> { }))
                .hasMessageContaining("events/stray.parquet");
    }

    /** Every report's rows on the lake in {@code folder}. */
    static Map<String, List<List<Object>>> reportsOn(Path folder) {
        var results = new java.util.LinkedHashMap<String, List<List<Object>>>();
        try (var engine = new DuckDbEngine(folder)) {
            for (var report : Report.builtIn()) { // saved queries need not de-duplicate
                results.put(report.reportName(), new ReportRunner(engine).run(report, Optional.empty()).rows());
            }
        }
        return results;
    }

    static List<List<Object>> rows(Path folder, String sql) {
        try (var engine = new DuckDbEngine(folder)) {
            return engine.query(sql, List.of()).rows();
        }
    }
}
