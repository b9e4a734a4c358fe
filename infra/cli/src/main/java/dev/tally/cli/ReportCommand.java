package dev.tally.cli;

import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportEngine;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.analytics.SavedQueries;
import dev.tally.devstack.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Runs a report's SQL on the lake: DuckDB over the local stack's lake, or Athena in AWS. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Run a SQL report on the data lake, or list the reports.",
                "Without a NAME, lists the reports. Locally (the default) it syncs the running stack's lake from S3 "
                        + "into .tally/lake-cache and runs DuckDB; with --engine athena it runs the same SQL file through "
                        + "the Athena API (AWS settings from the usual AWS_* variables; after eval \"$(./tally env)\" that "
                        + "is the local stack's Athena stand-in). Progress goes to stderr, the report to stdout."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "daily-totals, end-of-day-balances, top-movers, "
            + "overdraft-audit, reconciliation, or a query saved with ./tally sql --save.")
    String name;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only this event date (UTC).")
    String date;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the report as a PNG picture.")
    Path chart;

    @Mixin
    LakeEngineOptions lake;

    @Override
    public Integer call() throws Exception {
        var reports = catalog();
        if (name == null) {
            for (var report : reports) {
                System.out.printf("  %-22s %s%s%n", report.reportName(), report.description(), report.saved() ? " (saved query)" : "");
            }
            return 0;
        }
        var report = Report.named(name, reports).orElseThrow(() -> new IllegalArgumentException("no report named '" + name
                + "'; the reports are " + String.join(", ", reports.stream().map(Report::reportName).toList())));
        var day = parseDate(date);
        var output = ReportOutput.format(format);
        if (day.isPresent() && !report.hasEventDate()) {
            throw new IllegalArgumentException("--date does not apply to " + report.reportName() + (report.saved()
                    ? " (a saved query; put the date in its WHERE clause)" : " (it has no event_date)"));
        }
        if (chart != null && report.chart().isEmpty()) {
            throw new IllegalArgumentException("--chart does not apply to " + report.reportName() + ": saved queries have no chart");
        }
        if (chart != null && !chart.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--chart must name a .png file, was " + chart);
        }
        var progress = new Progress(System.err);
        try (var reportEngine = lake.open(report.needsLedgerExport(), report.reportName(), progress)) {
            progress.step("running " + report.reportName() + " on " + reportEngine.describe());
            var sink = ReportOutput.of(output, System.out);
            var drawn = new ChartRows();
            new ReportRunner(reportEngine).run(report, day, chart == null ? sink : ReportEngine.RowSink.tee(sink, drawn));
            long rows = sink.finish();
            progress.step(rows + " rows");
            if (chart != null) {
                if (drawn.overflowed) {
                    System.err.println("tally: no chart: " + rows + " rows are more than " + MAX_CHART_ROWS
                            + " to draw; narrow the report with --date");
                    return 1;
                }
                ReportChart.write(report, drawn.result(), chart);
                progress.step("chart written to " + chart.toAbsolutePath());
            }
        }
        return 0;
    }

    /** A chart keeps its rows in memory; beyond this many the report is printed but not drawn. */
    static final int MAX_CHART_ROWS = 200_000;

    /** Keeps rows for the chart, up to {@link #MAX_CHART_ROWS}. */
    private static final class ChartRows implements ReportEngine.RowSink {
        private final ReportResult.Collector rows = new ReportResult.Collector();
        private long seen;
        boolean overflowed;

        @Override
        public void columns(List<String> names) {
            rows.columns(names);
        }

        @Override
        public void row(List<Object> values) {
            if (++seen > MAX_CHART_ROWS) {
                overflowed = true;
            } else {
                rows.row(values);
            }
        }

        ReportResult result() {
            return rows.result();
        }
    }

    static Optional<LocalDate> parseDate(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--date must be YYYY-MM-DD, was '" + text + "'");
        }
    }

    /**
     * Tally's reports and the saved queries. In a checkout the saved queries are read from their source folder, so a
     * query saved a moment ago runs without a rebuild (the launcher does not rebuild for them); elsewhere, from the
     * build.
     */
    static List<Report> catalog() {
        var folder = savedFolder();
        return Report.withSaved(Files.isDirectory(folder.getParent()) ? SavedQueries.in(folder) : SavedQueries.onClasspath());
    }

    /** Where {@code ./tally sql --save} keeps queries in this checkout. */
    static Path savedFolder() {
        return TallyCli.home().resolve(SavedQueries.SOURCE_FOLDER);
    }
}
