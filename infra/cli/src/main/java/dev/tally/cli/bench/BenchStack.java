package dev.tally.cli.bench;

import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.LoadGenerator;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.domain.AccountId;
import dev.tally.domain.SnapshotPolicy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh local stack for the benchmarks, keeping its data on disk as {@code ./tally up} does (so the stream
 * records are written to disk too), with an API client holding an owner's token and a client straight to dynalite.
 */
final class BenchStack implements AutoCloseable {

    static final int SNAPSHOT_EVERY = SnapshotPolicy.DEFAULT_EVERY;
    static final String SUBJECT = "bench";

    final DevStack stack;
    final ApiClient api;
    final DynamoDbClient dynalite;
    private final Instant startedAt = Instant.now();
    private final MetricsTail metrics;

    private BenchStack(DevStack stack, ApiClient api, DynamoDbClient dynalite, Path logDir) {
        this.stack = stack;
        this.api = api;
        this.dynalite = dynalite;
        this.metrics = new MetricsTail(logDir, startedAt);
    }

    /**
     * Waits until the translator has taken every event written so far off the events table's stream and the balances
     * projection has handled every event it published, so that a measurement starts on a pipeline that has caught up
     * and counts only its own events.
     */
    void awaitDrained(Progress progress) {
        var drained = dev.tally.cli.ConditionWait.until("the balances projection to handle every published event",
                java.time.Duration.ofMinutes(3), java.time.Duration.ofMillis(500), () -> {
                    // first whether the translator has checkpointed the newest record, then the counts: its metric
                    // line is written before it checkpoints, so the counts then include everything it published
                    boolean translated = stack.translatorCaughtUp();
                    var metrics = this.metrics.poll();
                    long published = metrics.total(dev.tally.translator.StreamTranslatorHandler.SERVICE,
                            dev.tally.observability.Metric.RECORDS_PUBLISHED.metricName());
                    long handled = metrics.total(dev.tally.projections.ProjectionEnvironment.BALANCES_APPLICATION,
                            dev.tally.observability.Metric.EVENTS_HANDLED.metricName())
                            + metrics.total(dev.tally.projections.ProjectionEnvironment.BALANCES_APPLICATION,
                            dev.tally.observability.Metric.EVENTS_DUPLICATE.metricName());
                    return new long[]{handled, published, translated ? 1 : 0};
                }, counts -> counts[2] == 1 && counts[0] >= counts[1],
                counts -> progress.step("waiting for the " + (counts[2] == 1 ? "" : "translator and the ")
                        + "projection to catch up: " + counts[0] + " of " + counts[1] + " published"));
        drained.timedOut().ifPresent(message -> progress.step(message + "; measuring anyway"));
    }

    /**
     * Runs {@code work} on the write path alone: the translator's event-source mapping is disabled (Lambda's
     * UpdateEventSourceMapping {@code Enabled}, as an operator may), so the stream records wait and the consumers have
     * nothing to do, then enabled again, when they catch up from where they stopped. In AWS the consumers run on
     * capacity of their own and cannot take the write path's CPU; here they share this machine's cores with it.
     */
    <T> T writePathAlone(java.util.concurrent.Callable<T> work) throws Exception {
        var translator = stack.translatorMapping();
        translator.enabled(false);
        try {
            return work.call();
        } finally {
            translator.enabled(true);
        }
    }

    static BenchStack start(Path folder, Progress progress) throws Exception {
        dev.tally.cli.UpCommand.deleteRecursively(folder);
        var logs = folder.resolve("logs");
        var stack = DevStack.start(new DevStack.Settings(0, 0, 0, 0, 0, 0, 0, Optional.of(folder.resolve("data")),
                SNAPSHOT_EVERY, 2, logs), progress);
        var api = new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, SUBJECT));
        return new BenchStack(stack, api, DevStack.client(DynamoDbClient.builder(), stack.dynaliteEndpoint()), logs);
    }

    /** Opens {@code count} accounts through the API. */
    List<AccountId> open(int count) {
        return new LoadGenerator(api).open(count).stream().map(AccountId::parse).toList();
    }

    /** A credit through the API; the HTTP status. */
    int credit(AccountId id, long minor, boolean withKey) {
        return move(id, "credit", minor, withKey);
    }

    /** A withdrawal through the API; the HTTP status. */
    int withdraw(AccountId id, long minor, boolean withKey) {
        return move(id, "withdraw", minor, withKey);
    }

    private int move(AccountId id, String action, long minor, boolean withKey) {
        var body = String.format(Locale.ROOT, "{\"amount\": \"%d.%02d\"}", minor / 100, minor % 100);
        var response = withKey
                ? api.post("/accounts/" + id + "/" + action, body, "Idempotency-Key", UUID.randomUUID().toString())
                : api.post("/accounts/" + id + "/" + action, body);
        return response.status();
    }

    /**
     * The values of {@code metric} that {@code service} wrote at or after {@code since}, with the time of the line
     * that carried each: {@code [epoch millis, value]}.
     */
    java.util.List<long[]> observations(String service, String metric, Instant since) {
        return metrics.poll().observations(service, metric).stream().filter(v -> v[0] >= since.toEpochMilli()).toList();
    }

    @Override
    public void close() {
        dynalite.close();
        stack.close();
    }
}
