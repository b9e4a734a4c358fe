package dev.tally.cli;

import dev.tally.accountsapi.AccountsApiRoute;
import dev.tally.cli.observe.LocalMetrics;
import dev.tally.cli.observe.LogFolder;
import dev.tally.devstack.DevStack;
import dev.tally.observability.Metric;
import dev.tally.translator.StreamTranslatorHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** The local stack's metrics, read from the EMF lines of its logs. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"Show the stack's metrics: last minute and since start.",
                "Each metric's count, sum, p50 and p99 over the last minute and since the stack started.",
                "Every process writes its metrics as CloudWatch Embedded Metric Format lines in its JSON log, as in "
                        + "AWS; this reads them back and sums them per metric and service (and per API route for the "
                        + "command counts). Counts (Count) are summed per line: their p50/p99 describe lines, not events."})
final class MetricsCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "A log folder to read instead of the running stack's "
            + "(the demo keeps its logs in .tally/demo/logs); then everything in it counts as since start.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        LogFolder folder;
        Instant since;
        if (dir != null) {
            folder = new LogFolder(dir);
            since = Instant.EPOCH;
        } else {
            var stack = StackEnvironment.running();
            folder = LogFolder.of(stack);
            since = stack.containsKey(DevStack.STARTED_AT) ? Instant.parse(stack.get(DevStack.STARTED_AT)) : Instant.EPOCH;
        }
        var now = Instant.now();
        var metrics = LocalMetrics.read(folder, since);
        System.out.printf("metrics from %d EMF lines in %s, since %s%n", metrics.lines(), folder.path(),
                since.equals(Instant.EPOCH) ? "the first line" : since.toString());
        System.out.printf("%-38s %-20s %-12s | %-32s | %-32s%n", "service (and detail)", "metric", "unit",
                "last minute: count, sum, p50, p99", "since start: count, sum, p50, p99");
        for (var row : metrics.rows(now)) {
            var series = row.series();
            System.out.printf("%-38s %-20s %-12s | %-32s | %-32s%n",
                    series.detail().map(d -> "  " + d).orElse(series.service()), series.metric(), series.unit(),
                    summary(row.recent()), summary(row.sinceStart()));
        }
        var api = AccountsApiRoute.SERVICE;
        long applied = metrics.total(api, Metric.COMMANDS_APPLIED.metricName());
        long refused = metrics.total(api, Metric.COMMANDS_REFUSED.metricName());
        System.out.printf("%ncommands since start: %d applied + %d refused = %d; besides, %d conflicted (409 after the "
                        + "retries), %d retries after a lost race, %d idempotent replays%n", applied, refused,
                applied + refused, metrics.total(api, Metric.COMMANDS_CONFLICTED.metricName()),
                metrics.total(api, Metric.COMMAND_RETRIES.metricName()),
                metrics.total(api, Metric.IDEMPOTENT_REPLAYS.metricName()));
        System.out.printf("stream translator since start: %d published, %d poisoned%n",
                metrics.total(StreamTranslatorHandler.SERVICE, Metric.RECORDS_PUBLISHED.metricName()),
                metrics.total(StreamTranslatorHandler.SERVICE, Metric.RECORDS_POISONED.metricName()));
        return 0;
    }

    private static String summary(LocalMetrics.Summary s) {
        return s.count() == 0 ? "-" : String.format("%d, %d, %d, %d", s.count(), s.sum(), s.p50(), s.p99());
    }
}
