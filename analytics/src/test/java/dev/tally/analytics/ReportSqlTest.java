package dev.tally.analytics;

import dev.tally.domain.EventType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.tally.analytics.TestLake.credit;
import static dev.tally.analytics.TestLake.opened;
import static dev.tally.analytics.TestLake.withdrawal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The report SQL files: written in the portable subset (DESIGN.md), and right on a small lake whose answers are
 * worked out by hand, duplicates included.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class ReportSqlTest {

    static final String ALICE = "0a000000-0000-4000-8000-000000000001";
    static final String BOB = "0b000000-0000-4000-8000-000000000002";

    @TempDir
    static Path lake;

    @BeforeAll
    static void lake() {
        TestLake.write(lake, List.of(
                opened(ALICE, "2026-03-01T09:00:00Z"),
                credit(ALICE, 2, 10_000, 10_000, "2026-03-01T09:05:00.250Z"),
                withdrawal(ALICE, 3, 2_550, 7_450, "2026-03-01T23:59:59.999Z"),
                opened(BOB, "2026-03-01T12:00:00Z"),
                credit(BOB, 2, 500, 500, "2026-03-02T00:00:00Z"),
                withdrawal(ALICE, 4, 450, 7_000, "2026-03-02T08:00:00Z")));
        // delivered twice (at least once): a second object with copies of two rows
        TestLake.write(lake, List.of(
                credit(ALICE, 2, 10_000, 10_000, "2026-03-01T09:05:00.250Z"),
                credit(BOB, 2, 500, 500, "2026-03-02T00:00:00Z")));
    }

    static List<Report> reports() {
        return Report.all();
    }

    @ParameterizedTest
    @MethodSource("reports")
    void report_sql_uses_only_the_portable_subset(Report report) {
        assertThat(PortableSql.check(report.sql())).as(report.reportName()).isEmpty();
    }

    /** SQL files cannot refer to {@code EventType}, so they spell the names; each must be one the code writes. */
    @ParameterizedTest
    @MethodSource("reports")
    void every_event_type_a_report_names_is_one_tally_writes(Report report) {
        var literals = Pattern.compile("'([A-Z][A-Za-z]+)'").matcher(withoutComments(report.sql()));
        while (literals.find()) {
            var name = literals.group(1);
            if (name.startsWith("Account") || name.startsWith("Balance")) {
                assertThat(EventType.named(name)).as(report.reportName() + " names the event type " + name).isPresent();
            }
        }
    }

    private static String withoutComments(String sql) {
        return sql.lines().map(line -> line.contains("--") ? line.substring(0, line.indexOf("--")) : line)
                .reduce("", (a, b) -> a + "\n" + b);
    }

    @Test
    void daily_totals_count_each_event_once_and_add_exact_amounts() {
        assertThat(run(Report.DAILY_TOTALS).rows()).containsExactly(
                List.of("2026-03-01", "AccountCreated", 2L, 0L),
                List.of("2026-03-01", "BalanceCredited", 1L, 10_000L),
                List.of("2026-03-01", "BalanceWithdrawn", 1L, 2_550L),
                List.of("2026-03-02", "BalanceCredited", 1L, 500L),
                List.of("2026-03-02", "BalanceWithdrawn", 1L, 450L));
        assertThat(run(Report.DAILY_TOTALS).columns()).containsExactly("event_date", "type", "event_count", "total_amount");
    }

    @Test
    void end_of_day_balances_take_the_last_event_of_each_account_and_day() {
        assertThat(run(Report.END_OF_DAY_BALANCES).rows()).containsExactly(
                List.of("2026-03-01", ALICE, 3L, 7_450L),
                List.of("2026-03-01", BOB, 1L, 0L),
                List.of("2026-03-02", ALICE, 4L, 7_000L),
                List.of("2026-03-02", BOB, 2L, 500L));
    }

    @Test
    void top_movers_rank_accounts_by_net_change_per_day() {
        assertThat(run(Report.TOP_MOVERS).rows()).containsExactly(
                List.of("2026-03-01", 1L, ALICE, 10_000L, 2_550L, 7_450L),
                List.of("2026-03-02", 1L, BOB, 500L, 0L, 500L),
                List.of("2026-03-02", 2L, ALICE, 0L, 450L, -450L));
    }

    @Test
    void the_overdraft_audit_is_empty_for_a_sound_ledger_and_names_an_overdraft(@TempDir Path other) {
        assertThat(run(Report.OVERDRAFT_AUDIT).rows()).isEmpty();

        var carol = "0c000000-0000-4000-8000-000000000003";
        TestLake.write(other, List.of(opened(carol, "2026-03-01T09:00:00Z"),
                withdrawal(carol, 2, 100, -100, "2026-03-01T10:00:00Z"),
                credit(carol, 4, 300, 200, "2026-03-01T11:00:00Z")));
        try (var engine = new DuckDbEngine(other)) {
            var audit = new ReportRunner(engine).run(Report.OVERDRAFT_AUDIT, Optional.empty());
            int problem = audit.column("problem");
            assertThat(audit.rows()).extracting(r -> r.get(problem))
                    .containsExactly("overdrawn", "missing event before this version");
        }
    }

    @Test
    void a_date_limits_a_report_to_that_event_date_without_changing_its_rows() {
        try (var engine = new DuckDbEngine(lake)) {
            var runner = new ReportRunner(engine);
            for (var report : List.of(Report.DAILY_TOTALS, Report.END_OF_DAY_BALANCES, Report.TOP_MOVERS)) {
                var all = runner.run(report, Optional.empty());
                var oneDay = runner.run(report, Optional.of(LocalDate.of(2026, 3, 2)));
                int date = all.column("event_date");
                assertThat(oneDay.rows()).isNotEmpty()
                        .containsExactlyElementsOf(all.rows().stream().filter(r -> "2026-03-02".equals(r.get(date))).toList());
            }
            assertThatThrownBy(() -> runner.run(Report.RECONCILIATION, Optional.of(LocalDate.of(2026, 3, 2))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drop --date");
        }
    }

    @Test
    void reports_on_an_empty_lake_return_no_rows(@TempDir Path empty) {
        try (var engine = new DuckDbEngine(empty)) {
            for (var report : Report.builtIn()) {
                assertThat(new ReportRunner(engine).run(report, Optional.empty()).rows()).as(report.reportName()).isEmpty();
            }
        }
    }

    private static ReportResult run(Report report) {
        try (var engine = new DuckDbEngine(lake)) {
            return new ReportRunner(engine).run(report, Optional.empty());
        }
    }
}
