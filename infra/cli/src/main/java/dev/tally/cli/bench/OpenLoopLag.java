package dev.tally.cli.bench;

import dev.tally.cli.observe.Percentiles;

import dev.tally.cli.ConditionWait;
import dev.tally.devstack.Progress;
import dev.tally.domain.AccountId;
import dev.tally.observability.Metric;
import dev.tally.projections.ProjectionEnvironment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * B4: the lag from a command's arrival to its event in the balances projection, at offered rates. Open loop: the
 * commands are sent on a fixed schedule, each on its own virtual thread, so a slow answer never slows the rate
 * offered (no coordinated omission). The lag of each event is what the projection itself measures (apply time minus
 * the event's {@code occurredAt}, which is when the API received the command), read from its EMF metrics.
 */
final class OpenLoopLag {

    static final int TARGET_RATE = 100;
    static final long TARGET_P99_MILLIS = 1000;
    static final long TARGET_P50_MILLIS = 500;
    static final int ACCOUNTS = 500;

    private OpenLoopLag() {
    }

    static void run(BenchStack bench, BenchDoc doc, java.nio.file.Path charts, List<Integer> rates, Duration step,
                    int runs, Progress progress) throws Exception {
        var section = doc.section("B4", "Write to projection lag at offered rates (open loop)",
                "p99 < " + TARGET_P99_MILLIS + " ms and p50 < " + TARGET_P50_MILLIS + " ms at " + TARGET_RATE + " commands/s");
        progress.step("B4: opening " + ACCOUNTS + " accounts");
        var accounts = bench.open(ACCOUNTS);
        section.columns("offered/s", "achieved/s", "events", "lag p50 (ms)", "lag p99 (ms)", "max (ms)");
        var chart = new BenchChart("B4: projection lag against the offered rate", "offered commands/s", "lag (ms)");
        String result = "";
        boolean met = true;
        for (int rate : rates) {
            var p50s = new double[runs];
            var p99s = new double[runs];
            var maxes = new double[runs];
            var achieved = new double[runs];
            int events = 0;
            for (int run = 0; run < runs; run++) {
                var lags = offer(bench, accounts, rate, step, progress);
                p50s[run] = Percentiles.of(lags.lags(), 50);
                p99s[run] = Percentiles.of(lags.lags(), 99);
                maxes[run] = Percentiles.of(lags.lags(), 100);
                achieved[run] = lags.achieved();
                events += lags.lags().size();
                progress.step(String.format(Locale.ROOT, "B4: %d/s, run %d: %d events, lag p50 %.0f ms, p99 %.0f ms",
                        rate, run + 1, lags.lags().size(), p50s[run], p99s[run]));
            }
            var p50 = Sample.of(p50s);
            var p99 = Sample.of(p99s);
            section.row(rate, Sample.of(achieved).format(0), events, p50.format(0), p99.format(0), Sample.of(maxes).format(0));
            chart.point("p50", rate, p50.median());
            chart.point("p99", rate, p99.median());
            if (rate == TARGET_RATE) {
                met = p99.median() < TARGET_P99_MILLIS && p50.median() < TARGET_P50_MILLIS;
                result = "at " + rate + "/s: p50 " + p50.format(0) + " ms, p99 " + p99.format(0) + " ms";
            }
        }
        section.note("Each step offers credits and withdrawals (one in three) at a fixed rate to " + ACCOUNTS
                + " accounts for " + step.toSeconds() + " s, then waits until the projection has applied them all "
                + "before the next. The path: API → DynamoDB (streams proxy) → stream record, read by the translator's "
                + "event-source mapping (4 reads/s per shard, no batching window) → Kinesis → the balances worker (KCL, "
                + "one read every " + dev.tally.subscriptions.ShardReadBudget.BALANCES.toMillis()
                + " ms per shard, its share of the shard's 5 reads/s) → the balances table. The waits are those "
                + "AWS imposes; the rest is work on this machine.");
        doc.chart(section, chart, charts, "b4-lag.png");
        section.outcome(result.isEmpty() ? BenchDoc.Verdict.RECORDED : met ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                result.isEmpty() ? "no step at " + TARGET_RATE + "/s" : result);
    }

    record Step(List<Long> lags, double achieved) {
    }

    private static Step offer(BenchStack bench, List<AccountId> accounts, int rate, Duration step, Progress progress)
            throws Exception {
        bench.awaitDrained(progress);
        int commands = (int) (rate * step.toMillis() / 1000);
        var applied = new AtomicInteger();
        var since = Instant.now();
        long start = System.nanoTime();
        long period = 1_000_000_000L / rate;
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < commands; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                var account = accounts.get(ThreadLocalRandom.current().nextInt(accounts.size()));
                boolean withdraw = ThreadLocalRandom.current().nextInt(3) == 0;
                senders.submit(() -> {
                    int status = withdraw ? bench.withdraw(account, 100, false) : bench.credit(account, 500, false);
                    if (status == 200) {
                        applied.incrementAndGet();
                    }
                });
            }
        }
        double achieved = commands / ((System.nanoTime() - start) / 1e9);
        // every applied command is one event the projection applies, and records the lag of
        var caughtUp = ConditionWait.until("the balances projection to apply the " + applied.get() + " events of the step",
                Duration.ofSeconds(90), Duration.ofMillis(500),
                () -> lags(bench, since), lags -> lags.size() >= applied.get(),
                lags -> progress.step("B4: waiting for the projection: " + lags.size() + " of " + applied.get()));
        caughtUp.timedOut().ifPresent(message -> progress.step("B4: " + message + "; using what it applied"));
        return new Step(caughtUp.last(), achieved);
    }

    private static List<Long> lags(BenchStack bench, Instant since) {
        var values = new ArrayList<Long>();
        bench.observations(ProjectionEnvironment.BALANCES_APPLICATION, Metric.SUBSCRIPTION_LAG.metricName(), since)
                .forEach(v -> values.add(v[1]));
        return values;
    }
}
