package dev.tally.devstack;

import dev.tally.analytics.AthenaEngine;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportFailedException;
import dev.tally.analytics.ReportRunner;
import dev.tally.analytics.SyntheticLake;
import dev.tally.standins.athena.LocalAthena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.athena.AthenaClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The report runner's Athena engine, driven through the real Athena SDK client against the Athena stand-in:
 * every report gives the same rows as DuckDB directly, through polling, paging and execution parameters.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class AthenaEngineOnStandInTest {

    /** GetQueryResults returns at most 1,000 rows a page. */
    private static final int ATHENA_PAGE_SIZE = 1000;
    @TempDir
    static Path lake;
    private static LocalAthena athena;
    private static AthenaEngine engine;
    private static final AtomicInteger refreshes = new AtomicInteger();

    @BeforeAll
    static void start() {
        // 300 accounts x 12 events over 4 days: over 1,000 end-of-day rows, so results span several pages
        SyntheticLake.write(lake, 300, 12, 4, LocalDate.of(2026, 3, 1));
        athena = new LocalAthena(0, DevLake.glueCatalog(), lake, refreshes::incrementAndGet, Clock.systemUTC());
        engine = new AthenaEngine(DevStack.client(AthenaClient.builder(), athena.endpoint()),
                new AthenaEngine.Settings("tally", "tally", Optional.empty(), Duration.ofMinutes(1)));
    }

    @AfterAll
    static void stop() {
        engine.close();
        athena.close();
    }

    @Test
    void every_report_gives_the_same_rows_through_the_athena_api_as_on_duckdb() {
        try (var duck = new DuckDbEngine(lake)) {
            for (var report : Report.builtIn()) {
                var expected = new ReportRunner(duck).run(report, Optional.empty());
                var actual = new ReportRunner(engine).run(report, Optional.empty());
                assertThat(actual.columns()).as(report.reportName()).isEqualTo(expected.columns());
                assertThat(actual.rows()).as(report.reportName()).isEqualTo(expected.rows());
            }
            var pages = new ReportRunner(duck).run(Report.END_OF_DAY_BALANCES, Optional.empty()).rows().size();
            assertThat(pages).as("end-of-day rows, to exercise paging").isGreaterThan(ATHENA_PAGE_SIZE);
        }
        assertThat(refreshes.get()).isGreaterThanOrEqualTo(Report.builtIn().size());
    }

    /**
     * An analyst's saved queries promise less than Tally's reports (no order, no answer on an empty lake worked out by
     * hand), but they are installed as Athena named queries, so each must run there and give DuckDB's rows, in any
     * order.
     */
    @Test
    void every_saved_query_gives_the_same_rows_in_any_order_through_the_athena_api_as_on_duckdb() {
        var saved = Report.all().stream().filter(Report::saved).toList();
        assertThat(saved).as("the example saved query is shipped").isNotEmpty();
        try (var duck = new DuckDbEngine(lake)) {
            for (var report : saved) {
                var expected = new ReportRunner(duck).run(report, Optional.empty());
                var actual = new ReportRunner(engine).run(report, Optional.empty());
                assertThat(actual.columns()).as(report.reportName()).isEqualTo(expected.columns());
                assertThat(actual.rows()).as(report.reportName()).isNotEmpty().containsExactlyInAnyOrderElementsOf(expected.rows());
            }
        }
    }

    @Test
    void a_date_travels_as_an_execution_parameter() {
        var day = LocalDate.of(2026, 3, 2);
        try (var duck = new DuckDbEngine(lake)) {
            var expected = new ReportRunner(duck).run(Report.DAILY_TOTALS, Optional.of(day));
            var actual = new ReportRunner(engine).run(Report.DAILY_TOTALS, Optional.of(day));
            assertThat(actual.rows()).isNotEmpty().isEqualTo(expected.rows())
                    .allSatisfy(row -> assertThat(row.getFirst()).isEqualTo("2026-03-02"));
        }
    }

    @Test
    void a_failed_query_reports_athenas_reason() {
        assertThatThrownBy(() -> engine.query("SELECT no_such_column FROM lake_events", List.of()))
                .isInstanceOf(ReportFailedException.class).hasMessageContaining("FAILED").hasMessageContaining("no_such_column");
    }
}
