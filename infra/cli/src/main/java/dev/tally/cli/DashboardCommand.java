package dev.tally.cli;

import dev.tally.analytics.Dashboard;
import dev.tally.analytics.DashboardPage;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.devstack.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Writes the lake dashboard: the reports as one HTML page of charts. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Write the lake's dashboard: one HTML page of charts.",
                "Syncs the running stack's lake as ./tally report does, runs daily-totals, top-movers, reconciliation and "
                        + "overdraft-audit on DuckDB, and writes DIR/index.html: the figures drawn with Chart.js (inlined "
                        + "from node_modules), each with its SQL one click away. With --dir it reads a lake folder "
                        + "instead, and the page says that reconciliation, which needs the events table, was not run. "
                        + "Progress goes to stderr, the page's path to stdout. ./tally up serves the same page, kept "
                        + "fresh, at http://127.0.0.1:" + UpCommand.DASHBOARD_PORT + "/."})
public final class DashboardCommand implements Callable<Integer> {

    /** Why a lake folder alone cannot be reconciled, for the page. */
    static final String NO_EVENTS_TABLE = "reconciliation compares the lake with the events table, and a lake folder "
            + "(--dir) comes without one. Run ./tally dashboard without --dir while ./tally up runs.";

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write index.html (default: .tally/dashboard).")
    Path out;

    @Option(names = "--dir", paramLabel = "LAKEFOLDER", description = "A lake folder (the layout Firehose writes, e.g. "
            + ".tally/bench-lake/uncompacted) instead of the running stack's bucket.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var chartJs = DashboardPage.chartJs(TallyCli.home());
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir " + dir + " is not a folder");
        }
        var progress = new Progress(System.err);
        Dashboard dashboard;
        if (dir != null) {
            var folder = dir.toAbsolutePath().normalize();
            try (var engine = new DuckDbEngine(folder)) {
                progress.step("running the dashboard's reports on " + engine.describe());
                dashboard = Dashboard.run(engine, "the lake folder " + folder, Clock.systemUTC(), Optional.of(NO_EVENTS_TABLE));
            }
        } else {
            dashboard = fromStack(LocalLake.of(StackEnvironment.running()), LocalLake.defaultCache(), Clock.systemUTC(), progress);
        }
        var page = write(out != null ? out : TallyCli.home().resolve(".tally/dashboard"), DashboardPage.html(dashboard, chartJs));
        progress.step("dashboard written");
        System.out.println(page);
        return 0;
    }

    /**
     * The dashboard of the running stack's lake: a fresh ledger export (for reconciliation), the bucket synced into
     * {@code cache}, the four reports run on DuckDB over it.
     */
    static Dashboard fromStack(LocalLake lake, Path cache, Clock clock, Progress progress) {
        lake.exportLedger(progress);
        try (var engine = lake.synced(cache, progress)) {
            progress.step("running the dashboard's reports on " + engine.describe());
            return Dashboard.run(engine, lake.describe(cache), clock, Optional.empty());
        }
    }

    /** Writes {@code html} as {@code folder}/index.html, whole or not at all; returns its path. */
    public static Path write(Path folder, String html) throws IOException {
        Files.createDirectories(folder);
        var page = folder.resolve("index.html").toAbsolutePath();
        var partial = Files.createTempFile(folder, "index-", ".html.partial");
        try {
            Files.writeString(partial, html);
            Files.move(partial, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return page;
    }
}
