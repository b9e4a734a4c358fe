package dev.tally.cli.demo;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.ReportEngine;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.cli.UpCommand;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.observe.LogFolder;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.observability.Correlation;
import dev.tally.observability.LogContext;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.translator.StreamTranslatorHandler;
import dev.tally.accountsapi.AccountsApiRoute;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Step 14: one request followed through every part by its correlation id (the trace id of the {@code traceparent}
 * it sends), in the JSON logs of the API, the translator, the balances projection and the lake writer, and in its lake
 * row; and, once the stack has stopped, every line of every process's log is JSON.
 */
final class ObservabilityDemo {

    /** The processes whose logs must name the withdrawal's correlation id. */
    static final List<String> FOLLOWED = List.of(AccountsApiRoute.SERVICE, StreamTranslatorHandler.SERVICE,
            ProjectionEnvironment.BALANCES_APPLICATION, AnalyticsEnvironment.LAKE_WRITER_APPLICATION);

    private final DemoChecks checks;

    ObservabilityDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void followOneRequest(DevStack stack, ApiClient api, LogFolder logs) throws IOException {
        checks.step("[14/14] one withdrawal followed by its correlation id through the JSON logs and into the lake");
        var account = checks.open(api, "Erin");
        checks.expectStatus("credit Erin 10.00", api.post(DemoChecks.path(account, "credit"), "{\"amount\": \"10.00\"}"), 200);
        var random = new SecureRandom();
        var traceBytes = new byte[16];
        var parentBytes = new byte[8];
        random.nextBytes(traceBytes);
        random.nextBytes(parentBytes);
        var traceId = HexFormat.of().formatHex(traceBytes);
        var traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(parentBytes) + "-01";
        var withdrawal = api.post(DemoChecks.path(account, "withdraw"), "{\"amount\": \"2.50\"}", Correlation.TRACEPARENT, traceparent);
        checks.expectStatus("withdraw 2.50 with traceparent " + traceparent, withdrawal, 200);
        var correlationId = withdrawal.header(Correlation.RESPONSE_HEADER);
        checks.check("the response's " + Correlation.RESPONSE_HEADER + " is the traceparent's trace id",
                traceId.equals(correlationId), String.valueOf(correlationId));
        long version = withdrawal.body().path("version").asLong();
        System.out.println("          ./tally logs --correlation " + correlationId);

        var seen = checks.waitFor("the correlation id in the logs of " + String.join(", ", FOLLOWED), Duration.ofSeconds(90),
                Duration.ofSeconds(1), () -> processesNaming(logs, correlationId),
                found -> found.containsAll(FOLLOWED), found -> "found in " + found);
        for (var process : FOLLOWED) {
            checks.check("the " + process + " log names correlation id " + correlationId, seen.contains(process),
                    "found in " + seen);
        }
        logs.lines().stream().filter(line -> correlationId.equals(line.field(LogContext.CORRELATION_ID)))
                .sorted(java.util.Comparator.comparing(LogFolder.Line::timestamp))
                .forEach(line -> System.out.printf("          %s %-24s %s%n", line.field("timestamp"), line.process(),
                        line.field("message")));

        var cacheDir = Files.createTempDirectory("tally-demo-trace-");
        try {
            var cache = new LakeCache(stack.lake().s3(), DevLake.BUCKET, cacheDir);
            var row = checks.waitFor("the withdrawal's lake row", Duration.ofSeconds(90), Duration.ofSeconds(2), () -> {
                cache.sync();
                return lakeCorrelation(cacheDir, account, version);
            }, Optional::isPresent, found -> "not in the lake yet (Firehose buffers)");
            checks.check("the withdrawal's lake row has correlation_id " + correlationId,
                    row.filter(correlationId::equals).isPresent(), String.valueOf(row.orElse(null)));
        } finally {
            UpCommand.deleteRecursively(cacheDir);
        }
    }

    /** After the stack stopped: every line of every process's log is a JSON object. */
    void everyLineIsJson(LogFolder logs) {
        var lines = logs.lines();
        var notJson = lines.stream().filter(line -> line.json().isEmpty()).toList();
        checks.check("every line of every process's log in " + logs.path() + " is JSON (" + lines.size() + " lines in "
                + logs.processes().size() + " files: " + String.join(", ", logs.processes()) + ")", notJson.isEmpty(),
                notJson.isEmpty() ? "" : notJson.size() + " not: " + notJson.getFirst().process() + ": " + notJson.getFirst().text());
    }

    private static Set<String> processesNaming(LogFolder logs, String correlationId) {
        var found = new TreeSet<String>();
        for (var line : logs.lines()) {
            if (correlationId.equals(line.field(LogContext.CORRELATION_ID))) {
                found.add(line.process());
            }
        }
        return found;
    }

    private static Optional<String> lakeCorrelation(java.nio.file.Path lake, String account, long version) {
        if (!Files.isDirectory(lake.resolve(LakeTable.EVENTS_PREFIX))) {
            return Optional.empty();
        }
        var found = new ArrayList<String>();
        try (var engine = new DuckDbEngine(lake)) {
            engine.query("SELECT " + LakeTable.CORRELATION_ID + " FROM " + LakeTable.EVENTS + " WHERE "
                    + LakeTable.ACCOUNT_ID + " = ? AND " + LakeTable.VERSION + " = " + version, List.of(account),
                    new ReportEngine.RowSink() {
                        @Override
                        public void columns(List<String> names) {
                        }

                        @Override
                        public void row(List<Object> values) {
                            found.add(String.valueOf(values.getFirst()));
                        }
                    });
        }
        return found.stream().findFirst();
    }
}
