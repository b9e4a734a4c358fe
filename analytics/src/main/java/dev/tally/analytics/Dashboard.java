package dev.tally.analytics;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the lake dashboard shows: the results of four reports (daily totals, top movers, reconciliation, overdraft
 * audit), each with the SQL that produced it, when they were run and on which lake. {@link DashboardPage} draws it
 * as one self-contained HTML page.
 *
 * @param generatedAt when the reports were run
 * @param lake        where they read the lake, for the reader: a bucket and its local copy, or a folder
 */
public record Dashboard(Instant generatedAt, String lake, Figure dailyTotals, Figure topMovers, Figure reconciliation,
                        Figure overdraftAudit) {

    /** One report on the page: its result, or why it could not be run. */
    public sealed interface Figure {

        /** The report's name, as on the command line and of its SQL file. */
        String reportName();

        /** The SQL file's text, exactly as it ran (or would have). */
        String sql();

        record Ran(String reportName, String sql, ReportResult result) implements Figure {
        }

        /** @param because a sentence for the reader: why the report did not run, and how to have it run */
        record NotRun(String reportName, String sql, String because) implements Figure {
        }

        /** Runs {@code report} over the whole lake. */
        static Figure run(ReportRunner runner, Report report) {
            return new Ran(report.reportName(), report.sql(), runner.run(report, Optional.empty()));
        }
    }

    /** The figures in the order the page shows them. */
    public List<Figure> figures() {
        return List.of(dailyTotals, topMovers, reconciliation, overdraftAudit);
    }

    /**
     * Runs the four reports on {@code engine}, over the whole lake.
     *
     * @param reconciliationNotRun why reconciliation cannot run here (it compares the lake with the events table,
     *                             which a lake folder alone does not have); empty to run it, in which case the lake
     *                             must hold a fresh {@link LedgerExport}
     */
    public static Dashboard run(ReportEngine engine, String lake, Clock clock, Optional<String> reconciliationNotRun) {
        var generatedAt = clock.instant();
        var runner = new ReportRunner(engine);
        var reconciliation = reconciliationNotRun
                .<Figure>map(why -> new Figure.NotRun(Report.RECONCILIATION.reportName(), Report.RECONCILIATION.sql(), why))
                .orElseGet(() -> Figure.run(runner, Report.RECONCILIATION));
        return new Dashboard(generatedAt, lake, Figure.run(runner, Report.DAILY_TOTALS), Figure.run(runner, Report.TOP_MOVERS),
                reconciliation, Figure.run(runner, Report.OVERDRAFT_AUDIT));
    }
}
