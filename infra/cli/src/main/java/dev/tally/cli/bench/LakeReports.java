package dev.tally.cli.bench;

import dev.tally.analytics.Report;
import dev.tally.analytics.ReportBenchmark;
import dev.tally.analytics.ReportBenchmark.Lake;
import dev.tally.devstack.Progress;

import java.nio.file.Path;
import java.util.Locale;

/**
 * B6: the lake's reports on a synthetic lake (Parquet by event date, the layout Firehose writes) with duplicates,
 * before and after the closed days are compacted ({@link ReportBenchmark}, as {@code ./tally bench-reports} runs it).
 */
final class LakeReports {

    static final double DAILY_TOTALS_TARGET = 1.0;
    static final double END_OF_DAY_TARGET = 5.0;

    private LakeReports() {
    }

    static void run(BenchDoc doc, Path lakes, ReportBenchmark.Shape shape, int runs, Progress progress) {
        var section = doc.section("B6", String.format(Locale.ROOT, "Lake reports on %,d events", shape.events()),
                "daily totals < " + DAILY_TOTALS_TARGET + " s, end-of-day balances < " + END_OF_DAY_TARGET
                        + " s, exact under duplicates");
        var figures = ReportBenchmark.run(lakes, shape, runs, false, line -> progress.step("B6: " + line));
        section.columns("report", "lake", "rows", "seconds in DuckDB");
        for (var timing : figures.timings()) {
            var s = timing.inEngine();
            section.row(timing.report(), timing.lake() == Lake.COMPACTED ? "closed days compacted" : "never compacted",
                    timing.rows(), runs == 1 ? f(s.median()) : f(s.median()) + " (" + f(s.min()) + "–" + f(s.max()) + ")");
        }
        var daily = figures.timing(Report.DAILY_TOTALS.reportName(), Lake.COMPACTED).inEngine().median();
        var endOfDay = figures.timing(Report.END_OF_DAY_BALANCES.reportName(), Lake.COMPACTED).inEngine().median();
        section.note(String.format(Locale.ROOT, "The lake: %s. The compacted copy has %,d rows in lake_compacted and "
                        + "%,d open rows (its newest days, and duplicates delivered after compaction) in lake_events; the "
                        + "other never compacted, %,d rows. %s: every report gave the same rows on both.",
                describe(shape), figures.compactedRows(), figures.openRowsAfterCompaction(), figures.uncompactedRows(),
                figures.exact() ? "Exact" : "NOT EXACT"));
        section.note("Seconds in DuckDB: the query run to completion inside the engine (the local stand-in for Athena), "
                + "on this machine's cores. End-of-day balances never de-duplicated (copies cannot change a maximum), "
                + "so compaction cannot speed it up; meeting its target needs a pre-aggregated table of daily closing "
                + "balances, which is not built.");
        boolean met = daily < DAILY_TOTALS_TARGET && endOfDay < END_OF_DAY_TARGET && figures.exact();
        section.outcome(met ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED, String.format(Locale.ROOT,
                "compacted: daily totals %.2f s (%s), end-of-day balances %.2f s (%s); %s", daily,
                daily < DAILY_TOTALS_TARGET ? "met" : "missed", endOfDay, endOfDay < END_OF_DAY_TARGET ? "met" : "missed",
                figures.exact() ? "exact" : "not exact"));
    }

    private static String describe(ReportBenchmark.Shape shape) {
        return String.format(Locale.ROOT, "%,d accounts × %d events over %d days, %d in a thousand delivered twice "
                        + "before compaction and again after", shape.accounts(), shape.eventsPerAccount(), shape.days(),
                shape.duplicatesPerMille());
    }

    private static String f(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }
}
