package dev.tally.cli.bench;

import dev.tally.devstack.Progress;
import dev.tally.domain.AccountId;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * B3: credits through the HTTP API against the raw rate of the same DynamoDB calls ({@link RawWriter}), at the same
 * concurrency, run for run side by side, over the same number of accounts.
 */
final class ApiVsRaw {

    static final double TARGET_RATIO = 0.7;
    static final int ACCOUNTS = 200;
    /** The concurrency at which the API's CPU is split by part of the stack. */
    static final int SPLIT_AT = 16;

    private ApiVsRaw() {
    }

    static void run(BenchStack bench, RawWriter raw, BenchDoc doc, Path charts, List<Integer> concurrencies, int runs,
                    int commandsPerClient, Progress progress) throws Exception {
        var section = doc.section("B3", "API throughput against the raw DynamoDB calls",
                "API ÷ raw ≥ " + TARGET_RATIO + " at every concurrency");
        progress.step("B3: opening " + ACCOUNTS + " accounts through the API and " + ACCOUNTS + " raw ones");
        var apiAccounts = bench.open(ACCOUNTS);
        var rawAccounts = raw.open(ACCOUNTS);
        // warm both paths (JIT, connections) before anything is measured
        ClosedLoop.run(200, 16, i -> bench.credit(pick(apiAccounts), 100, false) == 200);
        ClosedLoop.run(200, 16, i -> raw.credit(pick(rawAccounts), 100) > 0);
        section.columns("concurrency", "commands per run", "API credits/s", "raw credits/s", "API ÷ raw",
                "machine CPU ms per credit: API", "raw");
        var chart = new BenchChart("B3: credits per second against concurrency", "concurrent clients", "credits/s");
        var missed = new ArrayList<String>();
        var cpuPerCredit = new ArrayList<double[]>();
        var apiParts = new java.util.TreeMap<String, Long>();
        int apiPartCommands = 0;
        for (int concurrency : concurrencies) {
            int commands = Math.max(100, commandsPerClient * concurrency);
            var api = new double[runs];
            var rawRates = new double[runs];
            var ratios = new double[runs];
            var apiCpu = new double[runs];
            var rawCpu = new double[runs];
            for (int run = 0; run < runs; run++) {
                // each side starts on a caught-up pipeline: the API's run pays for its own events downstream
                // while it runs, the raw run for none, and neither for the other's
                bench.awaitDrained(progress);
                long cpu = StackCpu.millis();
                var parts = StackCpu.byPart();
                var apiRun = ClosedLoop.run(commands, concurrency, i -> bench.credit(pick(apiAccounts), 100, false) == 200);
                // the events' downstream work belongs to the API's credits: counted until the pipeline caught up
                bench.awaitDrained(progress);
                apiCpu[run] = (StackCpu.millis() - cpu) / (double) commands;
                if (concurrency == SPLIT_AT) {
                    StackCpu.minus(StackCpu.byPart(), parts).forEach((part, ms) -> apiParts.merge(part, ms, Long::sum));
                    apiPartCommands += commands;
                }
                cpu = StackCpu.millis();
                var rawRun = ClosedLoop.run(commands, concurrency, i -> raw.credit(pick(rawAccounts), 100) > 0);
                rawCpu[run] = (StackCpu.millis() - cpu) / (double) commands;
                api[run] = apiRun.appliedPerSecond();
                rawRates[run] = rawRun.perSecond();
                ratios[run] = api[run] / rawRates[run];
                progress.step(String.format(Locale.ROOT, "B3: concurrency %d, run %d: API %.0f/s, raw %.0f/s, ratio %.2f",
                        concurrency, run + 1, api[run], rawRates[run], ratios[run]));
            }
            var ratio = Sample.of(ratios);
            section.row(concurrency, commands, Sample.of(api).format(0), Sample.of(rawRates).format(0), ratio.format(2),
                    Sample.of(apiCpu).format(1), Sample.of(rawCpu).format(1));
            cpuPerCredit.add(new double[]{Sample.of(apiCpu).median(), Sample.of(rawCpu).median()});
            chart.point("API (HTTP, JWT, handler, streams proxy)", concurrency, Sample.of(api).median());
            chart.point("raw (event store straight to dynalite)", concurrency, Sample.of(rawRates).median());
            if (ratio.median() < TARGET_RATIO) {
                missed.add(String.format(Locale.ROOT, "%.2f at %d", ratio.median(), concurrency));
            }
        }
        section.note("Each run sends its credits to random accounts among " + ACCOUNTS + " (a lost race is retried, as "
                + "the service does). API: the credit as a client sends it, through the local API gateway (JWT "
                + "authorizer), the handler, the command service and the DynamoDB Streams proxy, while the translator, "
                + "the projection, the lake writer and the example subscriber consume what it writes. Raw: the same "
                + "event store making the same calls (the newest-N Query, then the conditional PutItem) straight to the "
                + "same dynalite, into a table of its own without a stream, with nothing downstream. Credits only, so "
                + "that every command writes. Each run starts once the projection has caught up with everything "
                + "published before it.");
        var at = concurrencies.indexOf(SPLIT_AT);
        if (at >= 0) {
            section.note(String.format(Locale.ROOT, "Why the API falls short here: at concurrency %d a credit costs the "
                            + "machine %.1f ms of CPU through the API against %.1f ms raw (every process of the stack, "
                            + "from /proc; the API's counted until the pipeline has caught up with its events, so some "
                            + "idle polling is in it). The API's credit is more work: the HTTP client and gateway, the "
                            + "JWT check, the handler, the proxy's recording, and downstream the translator, Kinesis, "
                            + "the projection, the lake writer and the example subscriber. In AWS each of those runs on "
                            + "its own capacity; here they share %d cores with dynalite, so the ratio measures the whole "
                            + "pipeline's cost per command on one machine more than the API's overhead.",
                    SPLIT_AT, cpuPerCredit.get(at)[0], cpuPerCredit.get(at)[1], Runtime.getRuntime().availableProcessors()));
        }
        if (apiPartCommands > 0) {
            int counted = apiPartCommands;
            var split = apiParts.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), e.getValue() / (double) counted))
                    .collect(java.util.stream.Collectors.joining(", "));
            var largest = apiParts.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
            section.note("Where an API credit's CPU goes, at concurrency " + SPLIT_AT + " (summed over its runs): "
                    + split + " (this JVM runs the gateway, the handlers, the streams proxy, the translator, the "
                    + "example subscriber and this benchmark's own HTTP clients). The largest share is " + largest + "'s."
                    + (largest.equals("dynalite") ? " dynalite, one Node.js process, serves the write path and the "
                    + "consumers' tables and leases alike; giving the consumers a second dynalite (as AWS keeps them in "
                    + "separate tables) is the next step, not built." : " dynalite, serving the write path and the "
                    + "consumers' tables and leases alike, is not what limits the API here, so running the consumers' "
                    + "tables in a second dynalite (as AWS keeps them in separate tables) would move little; routing "
                    + "the workers through the streams proxy to reach both would add to this JVM's load. Not done."));
        }
        doc.chart(section, chart, charts, "b3-api-vs-raw.png");
        section.outcome(missed.isEmpty() ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                missed.isEmpty() ? "ratio ≥ " + TARGET_RATIO + " at every concurrency" : "ratio below target: " + String.join(", ", missed));
    }

    private static AccountId pick(List<AccountId> accounts) {
        return accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
    }
}
