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
    /** Credits per warming round. */
    static final int WARM_ROUND = 500;

    private ApiVsRaw() {
    }

    static void run(BenchStack bench, RawWriter raw, BenchDoc doc, Path charts, List<Integer> concurrencies, int runs,
                    int commandsPerClient, int minCommands, Progress progress) throws Exception {
        var section = doc.section("B3", "API throughput against the raw DynamoDB calls",
                "API ÷ raw ≥ " + TARGET_RATIO + " at every concurrency (the write path's; the consumers' CPU apart)");
        progress.step("B3: opening " + ACCOUNTS + " accounts through the API and " + ACCOUNTS + " raw ones");
        var apiAccounts = bench.open(ACCOUNTS);
        var rawAccounts = raw.open(ACCOUNTS);
        // warm both paths (JIT, connections) until their rates are steady before anything is measured: with a
        // few hundred credits the API's JVMs were still compiling, spending about 1 ms of CPU per credit on it
        progress.step("B3: warming the API path and the consumers until the rate is steady");
        ClosedLoop.warm(WARM_ROUND, SPLIT_AT, i -> bench.credit(pick(apiAccounts), 100, false) == 200,
                () -> bench.awaitDrained(progress), progress::step);
        progress.step("B3: warming the raw path until the rate is steady");
        ClosedLoop.warm(WARM_ROUND, SPLIT_AT, i -> raw.credit(pick(rawAccounts), 100) > 0, () -> { }, progress::step);
        section.columns("concurrency", "commands per run", "API credits/s", "raw credits/s", "API ÷ raw",
                "API credits/s, consumers alongside", "÷ raw", "CPU ms per credit: API", "its downstream", "raw");
        var chart = new BenchChart("B3: credits per second against concurrency", "concurrent clients", "credits/s");
        var missed = new ArrayList<String>();
        var missedAt = new ArrayList<Integer>();
        var ratesAt = new java.util.HashMap<Integer, double[]>();
        var cpuAt = new java.util.HashMap<Integer, double[]>();
        var writeParts = new java.util.TreeMap<String, Long>();
        var downstreamParts = new java.util.TreeMap<String, Long>();
        int partCommands = 0;
        for (int concurrency : concurrencies) {
            int commands = Math.max(minCommands, commandsPerClient * concurrency);
            var api = new double[runs];
            var alongside = new double[runs];
            var rawRates = new double[runs];
            var ratios = new double[runs];
            var alongsideRatios = new double[runs];
            var apiCpu = new double[runs];
            var downstreamCpu = new double[runs];
            var rawCpu = new double[runs];
            for (int run = 0; run < runs; run++) {
                bench.awaitDrained(progress);
                // the write path alone; what the consumers spend catching up is the credits' downstream CPU
                var before = StackCpu.byPart();
                var apiRun = bench.writePathAlone(() -> ClosedLoop.run(commands, concurrency,
                        i -> bench.credit(pick(apiAccounts), 100, false) == 200));
                var written = StackCpu.byPart();
                bench.awaitDrained(progress);
                var drained = StackCpu.byPart();
                apiCpu[run] = total(StackCpu.minus(written, before)) / (double) commands;
                downstreamCpu[run] = total(StackCpu.minus(drained, written)) / (double) commands;
                if (concurrency == SPLIT_AT) {
                    StackCpu.minus(written, before).forEach((part, ms) -> writeParts.merge(part, ms, Long::sum));
                    StackCpu.minus(drained, written).forEach((part, ms) -> downstreamParts.merge(part, ms, Long::sum));
                    partCommands += commands;
                }
                // the same credits with the whole pipeline consuming them as they come, on the same cores
                var alongsideRun = ClosedLoop.run(commands, concurrency, i -> bench.credit(pick(apiAccounts), 100, false) == 200);
                bench.awaitDrained(progress);
                long cpu = StackCpu.millis();
                var rawRun = ClosedLoop.run(commands, concurrency, i -> raw.credit(pick(rawAccounts), 100) > 0);
                rawCpu[run] = (StackCpu.millis() - cpu) / (double) commands;
                api[run] = apiRun.appliedPerSecond();
                alongside[run] = alongsideRun.appliedPerSecond();
                rawRates[run] = rawRun.perSecond();
                ratios[run] = api[run] / rawRates[run];
                alongsideRatios[run] = alongside[run] / rawRates[run];
                progress.step(String.format(Locale.ROOT, "B3: concurrency %d, run %d: API %.0f/s (with the consumers "
                                + "alongside %.0f/s), raw %.0f/s, ratio %.2f (%.2f)", concurrency, run + 1, api[run],
                        alongside[run], rawRates[run], ratios[run], alongsideRatios[run]));
            }
            var ratio = Sample.of(ratios);
            section.row(concurrency, commands, Sample.of(api).format(0), Sample.of(rawRates).format(0), ratio.format(2),
                    Sample.of(alongside).format(0), Sample.of(alongsideRatios).format(2), Sample.of(apiCpu).format(1),
                    Sample.of(downstreamCpu).format(1), Sample.of(rawCpu).format(1));
            ratesAt.put(concurrency, new double[]{Sample.of(api).median(), Sample.of(rawRates).median()});
            cpuAt.put(concurrency, new double[]{Sample.of(apiCpu).median(), Sample.of(downstreamCpu).median(),
                    Sample.of(rawCpu).median(), Sample.of(alongsideRatios).median()});
            chart.point("API (HTTP, JWT, handler, streams proxy)", concurrency, Sample.of(api).median());
            chart.point("API, the consumers running alongside", concurrency, Sample.of(alongside).median());
            chart.point("raw (event store straight to dynalite)", concurrency, Sample.of(rawRates).median());
            if (ratio.median() < TARGET_RATIO) {
                missed.add(String.format(Locale.ROOT, "%.2f at %d", ratio.median(), concurrency));
                missedAt.add(concurrency);
            }
        }
        section.note("Each run sends its credits to random accounts among " + ACCOUNTS + " (a lost race is retried, as "
                + "the service does), three ways in turn. API: the credit as a client sends it, through the local API "
                + "gateway (JWT authorizer), the handler, the command service and the DynamoDB Streams proxy, which "
                + "records every write as a stream record; meanwhile the translator's event-source mapping is disabled, "
                + "so the records wait in the stream, and enabled again after the run, when the translator, the "
                + "projection, the lake writer and the example subscriber catch up (their CPU is the credits' "
                + "downstream column). API, consumers alongside: the same, with the whole pipeline consuming the "
                + "credits as they come. Raw: the same event store making the same calls (the newest-N Query, then the "
                + "conditional PutItem) straight to the same dynalite, into a table of its own without a stream. "
                + "Credits only, so that every command writes. Each run starts once the projection has caught up, "
                + "after both paths were warmed until their rates were steady.");
        section.note("Why the target is read on the first ratio: in AWS the consumers run on capacity of their own, "
                + "so they cannot slow the write path; on this machine they share " + Runtime.getRuntime()
                .availableProcessors() + " cores with it, and the consumers-alongside ratio measures the whole "
                + "pipeline's CPU per credit on one machine rather than the API's overhead. Disabling a mapping is "
                + "what an operator can do in AWS too, and Lambda resumes where it stopped, so the pause loses and "
                + "skips nothing (before each run the translator is checked to have taken the stream's newest record, and the "
                + "projection to have handled every event it published).");
        var split = cpuAt.get(SPLIT_AT);
        if (split != null && partCommands > 0) {
            section.note(String.format(Locale.ROOT, "Where a credit's CPU goes at concurrency %d: %.1f ms through the "
                            + "API against %.1f ms raw, and %.1f ms downstream (every process of the stack, from /proc). "
                            + "The write path's: %s. Downstream: %s. This JVM runs the gateway, the handlers, the streams "
                            + "proxy, the translator, the example subscriber and this benchmark's own HTTP clients; the "
                            + "workers' share includes their idle polling while they waited.",
                    SPLIT_AT, split[0], split[2], split[1], parts(writeParts, partCommands),
                    parts(downstreamParts, partCommands)));
        }
        if (!missedAt.isEmpty()) {
            int cores = Runtime.getRuntime().availableProcessors();
            // Little's law: with c credits always in flight, each takes c / rate; the cores kept busy are the CPU per
            // credit times the rate
            var each = missedAt.stream().map(c -> {
                var rates = ratesAt.get(c);
                var cpu = cpuAt.get(c);
                return String.format(Locale.ROOT, "at concurrency %d a credit took %.1f ms through the API against "
                                + "%.1f ms raw, and the API's runs kept %.1f of the %d cores busy (%.1f ms of CPU per "
                                + "credit, every process of the stack, against %.1f ms raw)", c, 1000.0 * c / rates[0], 1000.0 * c / rates[1],
                        cpu[0] * rates[0] / 1000, cores, cpu[0], cpu[2]);
            }).collect(java.util.stream.Collectors.joining("; "));
            section.note("Why the target is missed: " + each + ". Where the cores are not full, a rate is the "
                    + "concurrency over a credit's latency, and a credit through the API makes three HTTP exchanges more than a raw "
                    + "one (the client's to the gateway, and each DynamoDB call's to the streams proxy before it goes "
                    + "on to dynalite); where they are full, the ratio is about the inverse of the CPU per credit, and "
                    + "the API's extra is the local stand-ins' and the client's: the streams proxy (the second hop, the "
                    + "stream record written and flushed), the gateway's HTTP server and JWT check, the handler's "
                    + "request and metrics log lines, and this benchmark's HTTP client. In AWS the proxy and the gateway "
                    + "are not on the caller's cores.");
        }
        doc.chart(section, chart, charts, "b3-api-vs-raw.png");
        section.outcome(missed.isEmpty() ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                missed.isEmpty() ? "ratio ≥ " + TARGET_RATIO + " at every concurrency" : "ratio below target: " + String.join(", ", missed));
    }

    private static long total(java.util.Map<String, Long> parts) {
        return parts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Each part's CPU per credit, largest first. */
    private static String parts(java.util.Map<String, Long> parts, int commands) {
        return parts.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), e.getValue() / (double) commands))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static AccountId pick(List<AccountId> accounts) {
        return accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
    }
}
