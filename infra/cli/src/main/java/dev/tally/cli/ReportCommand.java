package dev.tally.cli;

import dev.tally.analytics.AthenaEngine;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportEngine;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.eventstore.EventTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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

    enum Engine { duckdb, athena }

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "daily-totals, end-of-day-balances, top-movers, overdraft-audit or reconciliation.")
    String name;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only this event date (UTC).")
    String date;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the report as a PNG picture.")
    Path chart;

    @Option(names = "--dir", paramLabel = "FOLDER", description = "With duckdb: a lake folder (the layout Firehose writes, "
            + "e.g. .tally/bench-lake/uncompacted) instead of the running stack's bucket.")
    java.nio.file.Path dir;

    @Option(names = "--engine", defaultValue = "duckdb", description = "duckdb (local stack) or athena (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--workgroup", defaultValue = "tally", description = "Athena workgroup (default: ${DEFAULT-VALUE}).")
    String workgroup;

    @Option(names = "--database", defaultValue = "tally", description = "Athena/Glue database (default: ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--output-location", paramLabel = "s3://...", description = "Athena result location (default: the workgroup's).")
    String outputLocation;

    @Option(names = "--lake-bucket", description = "With athena: the lake bucket, where reconciliation stores the ledger export.")
    String lakeBucket;

    @Option(names = "--events-table", defaultValue = EventTable.DEFAULT_NAME, description = "With athena: the events table (default: ${DEFAULT-VALUE}).")
    String eventsTable;

    @Override
    public Integer call() throws Exception {
        if (name == null) {
            for (var report : Report.values()) {
                System.out.printf("  %-22s %s%n", report.reportName(), report.description());
            }
            return 0;
        }
        var report = Report.named(name).orElseThrow(() -> new IllegalArgumentException(
                "no report named '" + name + "'; the reports are " + String.join(", ", Report.names())));
        var day = parseDate(date);
        var output = ReportOutput.format(format);
        if (day.isPresent() && !report.hasEventDate()) {
            throw new IllegalArgumentException("--date does not apply to " + report.reportName() + " (it has no event_date)");
        }
        if (chart != null && !chart.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--chart must name a .png file, was " + chart);
        }
        if (dir != null && engine != Engine.duckdb) {
            throw new IllegalArgumentException("--dir reads a lake folder with DuckDB; it does not apply to --engine " + engine);
        }
        var progress = new Progress(System.err);
        try (var reportEngine = engine == Engine.duckdb ? localEngine(report, progress) : athenaEngine(report, progress)) {
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
        public void columns(java.util.List<String> names) {
            rows.columns(names);
        }

        @Override
        public void row(java.util.List<Object> values) {
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

    /** DuckDB over a fresh copy of the running stack's lake (and a fresh ledger export for reconciliation). */
    private ReportEngine localEngine(Report report, Progress progress) throws Exception {
        if (dir != null) {
            if (report.needsLedgerExport()) {
                throw new IllegalArgumentException(report.reportName() + " compares the lake with the events table, so it "
                        + "needs the running stack, not --dir");
            }
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--dir " + dir + " is not a folder");
            }
            return new DuckDbEngine(dir.toAbsolutePath());
        }
        var stack = StackEnvironment.running();
        if (!stack.containsKey("AWS_ENDPOINT_URL_S3") || !stack.containsKey(DevStack.LAKE_BUCKET)) {
            throw new IllegalStateException("the running stack has no data lake (started by an older ./tally?); restart ./tally up");
        }
        var s3Endpoint = URI.create(stack.get("AWS_ENDPOINT_URL_S3"));
        var bucket = stack.get(DevStack.LAKE_BUCKET);
        try (var s3 = DevLake.s3Client(s3Endpoint)) {
            if (report.needsLedgerExport()) {
                try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
                    exported(LedgerExport.export(dynamo, EventStoreSettings.fromEnvironment(stack).eventsTable(), s3, bucket),
                            bucket, progress);
                }
            }
            var cache = new LakeCache(s3, bucket, TallyCli.home().resolve(".tally/lake-cache"));
            var synced = cache.sync();
            progress.step("lake synced from s3://" + bucket + " into " + cache.folder() + ": " + synced.downloaded()
                    + " objects downloaded (" + synced.bytesDownloaded() + " bytes), " + synced.unchanged() + " unchanged, "
                    + synced.removed() + " removed");
            return new DuckDbEngine(cache.folder());
        }
    }

    static void exported(LedgerExport.Summary summary, String bucket, Progress progress) {
        progress.step("exported the events table's " + summary.accounts().size() + " accounts to s3://" + bucket + "/"
                + LedgerExport.OBJECT_KEY);
        summary.unreadable().forEach(reason -> progress.step("left out an unreadable item (see ./tally dead-letters): " + reason));
    }

    /**
     * The SDK's default S3 client, except against the local stack (an endpoint on 127.0.0.1, as after
     * {@code eval "$(./tally env)"}), where s3rver needs path-style requests and no chunked encoding.
     */
    private static S3Client s3FromEnvironment() {
        var endpoint = System.getenv("AWS_ENDPOINT_URL_S3");
        if (endpoint != null && URI.create(endpoint).getHost() != null && URI.create(endpoint).getHost().equals("127.0.0.1")) {
            return DevLake.s3Client(URI.create(endpoint));
        }
        return S3Client.create();
    }

    private ReportEngine athenaEngine(Report report, Progress progress) {
        if (report.needsLedgerExport()) {
            if (lakeBucket == null) {
                throw new IllegalArgumentException("reconciliation on Athena needs --lake-bucket (where the ledger export goes)");
            }
            try (var dynamo = DynamoDbClient.create(); var s3 = s3FromEnvironment()) {
                exported(LedgerExport.export(dynamo, eventsTable, s3, lakeBucket), lakeBucket, progress);
            }
        }
        return new AthenaEngine(AthenaClient.create(), new AthenaEngine.Settings(workgroup, database,
                Optional.ofNullable(outputLocation), Duration.ofMinutes(10)));
    }
}
