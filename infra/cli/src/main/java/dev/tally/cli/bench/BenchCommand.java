package dev.tally.cli.bench;

import dev.tally.analytics.ReportBenchmark;
import dev.tally.cli.TallyCli;
import dev.tally.devstack.Progress;
import dev.tally.domain.SnapshotPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs every benchmark on a fresh local stack and writes BENCHMARKS.md with its charts. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the benchmarks on a fresh stack and write BENCHMARKS.md.",
                "The benchmarks B1-B8, with PNG charts beside the document.",
                "B1 capacity units and B2 items read per command as the history grows; B3 API throughput against the "
                        + "raw DynamoDB calls at concurrency 1, 4, 16 and 64; B4 write-to-projection lag at offered rates "
                        + "(open loop); B5 translator and projection throughput; B6 the lake's reports on a synthetic "
                        + "lake; B7 a write-api Lambda's cold start and jar size; B8 a hot account under 64 writers. "
                        + "Every figure is the median of several runs with its range, ratios are measured side by side. "
                        + "A full run takes about 15 minutes (the first one longer: it generates the 10 M-event lake "
                        + "under .tally/bench-lake); --quick is a smoke run of about 3 minutes with small sizes. "
                        + "The stack's data and logs go to .tally/bench (deleted first)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A smoke run: one or two runs per figure, small sizes (about 3 minutes).")
    boolean quick;

    @Option(names = "--out", description = "The document to write (default: BENCHMARKS.md in the checkout); the charts go "
            + "to benchmarks/ beside it.")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "B<n>", description = "Run only these benchmarks, e.g. "
            + "--only B3,B8 (default: all). The document then holds only them.")
    java.util.Set<String> only;

    private boolean runs(String id) {
        return only == null || only.stream().anyMatch(id::equalsIgnoreCase);
    }

    /**
     * The sizes of a run.
     *
     * @param runs             runs per figure
     * @param throughputRuns   runs per concurrency in B3, whose short closed-loop runs on a shared machine scatter
     *                         more than the rest, so its medians take more runs
     * @param minCommands      the fewest credits in one of B3's runs: a run of a second or less (100 credits at
     *                         concurrency 4 took 0.4 s) scattered its ratio from 0.3 to 0.8 with a pause or a burst
     */
    record Plan(int runs, int throughputRuns, List<Integer> concurrencies, int commandsPerClient, int minCommands,
                List<Integer> rates,
                Duration step, int hotCommands, List<Long> histories, int costRepeats, int translatorAccounts, int eventsPerAccount,
                ReportBenchmark.Shape lake) {

        static Plan quick() {
            return new Plan(1, 1, List.of(1, 4, 16, 64), 2, 100, List.of(25, 50, 100, 150), Duration.ofSeconds(3), 128,
                    List.of(10L, 100L, 1_000L), 5, 20, 10, ReportBenchmark.Shape.of(200_000, 100, 30, 10));
        }

        static Plan full() {
            return new Plan(3, 5, List.of(1, 4, 16, 64), 48, 400, List.of(25, 50, 100, 150), Duration.ofSeconds(15), 256,
                    List.of(10L, 1_000L, 100_000L), 10, 100, 20, ReportBenchmark.Shape.tenMillionEvents());
        }
    }

    @Override
    public Integer call() throws Exception {
        var file = (out != null ? out : TallyCli.home().resolve("BENCHMARKS.md")).toAbsolutePath();
        var charts = file.getParent().resolve("benchmarks");
        var plan = quick ? Plan.quick() : Plan.full();
        var progress = new Progress(System.out);
        var started = Instant.now();
        var doc = new BenchDoc(quick, started);
        progress.step("benchmarks (" + (quick ? "quick" : "full") + "): a fresh local stack in .tally/bench");
        try (var bench = BenchStack.start(TallyCli.home().resolve(".tally/bench"), progress)) {
            var raw = new RawWriter(bench.dynalite, new SnapshotPolicy(BenchStack.SNAPSHOT_EVERY), Clock.systemUTC());
            if (runs("B3")) {
                ApiVsRaw.run(bench, raw, doc, charts, plan.concurrencies(), plan.throughputRuns(), plan.commandsPerClient(),
                        plan.minCommands(), progress);
            }
            if (runs("B8")) {
                HotAccount.run(bench, raw, doc, plan.runs(), plan.hotCommands(), progress);
            }
            if (runs("B4")) {
                OpenLoopLag.run(bench, doc, charts, plan.rates(), plan.step(), plan.runs(), progress);
            }
            if (runs("B5")) {
                ConsumerThroughput.run(bench, doc, plan.runs(), plan.translatorAccounts(), plan.eventsPerAccount(), progress);
            }
            if (runs("B1") || runs("B2")) {
                // last on the stack: the seeded histories leave the projection a long gap to fill
                WriteCost.run(bench, doc, plan.histories(), plan.costRepeats(), progress);
            }
        }
        if (runs("B6")) {
            // on a quiet machine: the stack is stopped
            var lakes = TallyCli.home().resolve(quick ? ".tally/bench-lake-quick" : ".tally/bench-lake");
            LakeReports.run(doc, lakes, plan.lake(), plan.runs(), progress);
        }
        if (runs("B7")) {
            ColdStartBench.run(doc, TallyCli.home(), quick ? 2 : 5, progress);
        }
        doc.sections().sort(java.util.Comparator.comparing(s -> s.id));
        doc.write(file, Instant.now());
        progress.step("wrote " + file + " and its charts in " + charts);
        return 0;
    }
}
