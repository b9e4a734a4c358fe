package dev.tally.cli;

import dev.tally.analytics.ReportBenchmark;
import dev.tally.devstack.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Times the reports on DuckDB over a synthetic lake of millions of events, before and after compaction. */
@Command(name = "bench-reports", mixinStandardHelpOptions = true,
        description = {"Time the lake's reports on DuckDB over a synthetic lake.",
                "Both as delivered and with its closed days compacted.",
                "Generates two lakes of the same events (Parquet by event date, the layout Firehose writes) under "
                        + ".tally/bench-lake, reused when their shape matches: one as delivered, with copies of some "
                        + "events in every day, and one compacted by the job of ./tally lake compact, with late copies "
                        + "after compaction. Times daily-totals and end-of-day-balances on both, computed inside DuckDB "
                        + "(with --fetch also fetched row by row through JDBC as ./tally report does), prints medians, "
                        + "minima and maxima of --runs runs, and checks that both lakes give the same answers."})
final class BenchReportsCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "10000000", description = "Events in the lake (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--events-per-account", defaultValue = "100", description = "Events per account (default: ${DEFAULT-VALUE}).")
    int eventsPerAccount;

    @Option(names = "--days", defaultValue = "365", description = "Days the events spread over (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--duplicates-per-mille", defaultValue = "10",
            description = "Events per thousand delivered twice, before compaction and again after (default: ${DEFAULT-VALUE}).")
    int duplicatesPerMille;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per report (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--fetch", description = "Also time fetching every row through JDBC (10 million rows of "
            + "end-of-day-balances take about 25 s a run).")
    boolean fetch;

    @Option(names = "--dir", description = "Where the synthetic lakes go (default: .tally/bench-lake).")
    Path dir;

    @Override
    public Integer call() {
        if (events < 1 || eventsPerAccount < 1 || days < 1 || runs < 1) {
            throw new IllegalArgumentException("--events, --events-per-account, --days and --runs must be positive, were "
                    + events + ", " + eventsPerAccount + ", " + days + " and " + runs);
        }
        var lakes = (dir != null ? dir : TallyCli.home().resolve(".tally/bench-lake")).toAbsolutePath();
        var progress = new Progress(System.out);
        var shape = ReportBenchmark.Shape.of(events, eventsPerAccount, days, duplicatesPerMille);
        var figures = ReportBenchmark.run(lakes, shape, runs, fetch, progress::step);
        progress.step(Runtime.getRuntime().availableProcessors() + " cores");

        var out = System.out;
        out.printf("%n%-36s %-12s %10s %28s %12s%n", "report", "lake", "rows", "in DuckDB (s) median min-max",
                fetch ? "fetched (s)" : "");
        for (var t : figures.timings()) {
            out.printf("%-36s %-12s %10d %14.2f %6.2f-%-6.2f %12s%n", t.report(), t.lake().name().toLowerCase(java.util.Locale.ROOT),
                    t.rows(), t.inEngine().median(), t.inEngine().min(), t.inEngine().max(),
                    t.fetched().map(s -> "%.2f".formatted(s.median())).orElse(""));
        }
        out.println();
        out.println("in DuckDB: the query runs to completion into a temporary table; fetched: every row read through JDBC.");
        out.println("Medians of " + runs + " runs on this machine; record them in README.md with this command.");
        if (!figures.exact()) {
            out.println("NOT EXACT: the compacted lake's answers differ from the uncompacted lake's (fingerprints below)");
            figures.timings().forEach(t -> out.println("  " + t.report() + " on " + t.lake() + ": " + t.fingerprint()));
            return 1;
        }
        out.println("exact: daily-totals and end-of-day-balances give the same rows on both lakes ("
                + figures.timing("daily-totals", ReportBenchmark.Lake.COMPACTED).fingerprint() + " and "
                + figures.timing("end-of-day-balances", ReportBenchmark.Lake.COMPACTED).fingerprint() + ")");
        return 0;
    }
}
