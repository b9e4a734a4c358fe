package dev.tally.cli;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportEngine;
import dev.tally.analytics.SyntheticLake;
import dev.tally.devstack.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** Times the reports on DuckDB over a synthetic lake of millions of events. */
@Command(name = "bench-reports", mixinStandardHelpOptions = true,
        description = {"Time the lake's reports on DuckDB over a synthetic lake.",
                "Times daily-totals and end-of-day-balances. The lake (Parquet by event date, the layout Firehose writes) "
                        + "is generated under .tally/bench-lake and reused when its size matches. Each report is timed "
                        + "twice per run: computed inside DuckDB, and fetched row by row through JDBC as ./tally report "
                        + "does. Medians of --runs runs are printed."})
final class BenchReportsCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "10000000", description = "Events in the lake (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--events-per-account", defaultValue = "100", description = "Events per account (default: ${DEFAULT-VALUE}).")
    int eventsPerAccount;

    @Option(names = "--days", defaultValue = "365", description = "Days the events spread over (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per report (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--dir", description = "Where the synthetic lake goes (default: .tally/bench-lake).")
    Path dir;

    /** For comparison: daily totals without removing duplicates (not a shipped report). */
    static final String DAILY_TOTALS_WITHOUT_DEDUP = """
            SELECT event_date, type, count(*) AS event_count, CAST(sum(amount) AS bigint) AS total_amount
            FROM lake_events GROUP BY event_date, type ORDER BY event_date, type""";

    @Override
    public Integer call() throws Exception {
        if (events < 1 || eventsPerAccount < 1 || days < 1 || runs < 1) {
            throw new IllegalArgumentException("--events, --events-per-account, --days and --runs must be positive, were "
                    + events + ", " + eventsPerAccount + ", " + days + " and " + runs);
        }
        long accounts = Math.max(1, events / eventsPerAccount);
        long total = accounts * eventsPerAccount;
        var lake = (dir != null ? dir : TallyCli.home().resolve(".tally/bench-lake")).toAbsolutePath();
        var progress = new Progress(System.out);
        var marker = lake.resolve("generated-with.txt");
        var shape = accounts + " accounts x " + eventsPerAccount + " events over " + days + " days";
        if (!Files.exists(marker) || !Files.readString(marker).equals(shape)) {
            progress.step("generating " + total + " events (" + shape + ") into " + lake + " ...");
            UpCommand.deleteRecursively(lake);
            SyntheticLake.write(lake, accounts, eventsPerAccount, days, LocalDate.of(2025, 1, 1));
            Files.writeString(marker, shape);
            progress.step("generated");
        } else {
            progress.step("reusing the synthetic lake in " + lake + " (" + shape + ")");
        }
        try (var engine = new DuckDbEngine(lake)) {
            var count = engine.query("SELECT count(*) AS n FROM lake_events", List.of()).rows().getFirst().getFirst();
            progress.step("lake_events holds " + count + " rows; " + Runtime.getRuntime().availableProcessors() + " cores");
            var out = System.out;
            out.printf("%n%-34s %12s %14s %16s%n", "report", "rows", "in DuckDB (s)", "fetched (s)");
            time(out, engine, Report.DAILY_TOTALS.reportName(), Report.DAILY_TOTALS.sql());
            time(out, engine, "daily-totals without de-duplication", DAILY_TOTALS_WITHOUT_DEDUP);
            time(out, engine, Report.END_OF_DAY_BALANCES.reportName(), Report.END_OF_DAY_BALANCES.sql());
            out.println();
            out.println("in DuckDB: the query runs to completion into a temporary table; fetched: every row read through JDBC.");
            out.println("Medians of " + runs + " runs on this machine; record them in README.md with this command.");
        }
        return 0;
    }

    private void time(java.io.PrintStream out, DuckDbEngine engine, String name, String sql) {
        var inside = new double[runs];
        var fetched = new double[runs];
        long rows = 0;
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            rows = engine.materialize(sql);
            inside[run] = (System.nanoTime() - start) / 1e9;
            var counted = new long[1];
            start = System.nanoTime();
            engine.query(sql, List.of(), new ReportEngine.RowSink() {
                @Override
                public void columns(List<String> names) {
                }

                @Override
                public void row(List<Object> values) {
                    counted[0]++;
                }
            });
            fetched[run] = (System.nanoTime() - start) / 1e9;
            if (counted[0] != rows) {
                throw new IllegalStateException(name + ": fetched " + counted[0] + " rows but the query produced " + rows);
            }
        }
        out.printf("%-34s %12d %14.2f %16.2f%n", name, rows, median(inside), median(fetched));
    }

    static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
