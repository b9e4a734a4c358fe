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
        section.columns("concurrency", "commands per run", "API credits/s", "raw credits/s", "API ÷ raw");
        var chart = new BenchChart("B3: credits per second against concurrency", "concurrent clients", "credits/s");
        var missed = new ArrayList<String>();
        for (int concurrency : concurrencies) {
            int commands = Math.max(100, commandsPerClient * concurrency);
            var api = new double[runs];
            var rawRates = new double[runs];
            var ratios = new double[runs];
            for (int run = 0; run < runs; run++) {
                // each side starts on a caught-up pipeline: the API's run pays for its own events downstream
                // while it runs, the raw run for none, and neither for the other's
                bench.awaitDrained(progress);
                var apiRun = ClosedLoop.run(commands, concurrency, i -> bench.credit(pick(apiAccounts), 100, false) == 200);
                bench.awaitDrained(progress);
                var rawRun = ClosedLoop.run(commands, concurrency, i -> raw.credit(pick(rawAccounts), 100) > 0);
                api[run] = apiRun.appliedPerSecond();
                rawRates[run] = rawRun.perSecond();
                ratios[run] = api[run] / rawRates[run];
                progress.step(String.format(Locale.ROOT, "B3: concurrency %d, run %d: API %.0f/s, raw %.0f/s, ratio %.2f",
                        concurrency, run + 1, api[run], rawRates[run], ratios[run]));
            }
            var ratio = Sample.of(ratios);
            section.row(concurrency, commands, Sample.of(api).format(0), Sample.of(rawRates).format(0), ratio.format(2));
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
        doc.chart(section, chart, charts, "b3-api-vs-raw.png");
        section.outcome(missed.isEmpty() ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                missed.isEmpty() ? "ratio ≥ " + TARGET_RATIO + " at every concurrency" : "ratio below target: " + String.join(", ", missed));
    }

    private static AccountId pick(List<AccountId> accounts) {
        return accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
    }
}
