package dev.tally.cli;

import dev.tally.analytics.DashboardPage;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.domain.SnapshotPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs the local stack in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run the local stack until Ctrl-C, keeping its data.",
                "The emulators, the stand-ins, the workers and the HTTP API, on 127.0.0.1. Data (tables, stream "
                        + "records, checkpoints, Kinesis, the lake bucket) is kept under the data folder between runs."})
public final class UpCommand implements Callable<Integer> {

    /** Where the lake dashboard is served by default. */
    static final String DASHBOARD_PORT = "4580";

    @Option(names = "--port", defaultValue = "8080", description = "HTTP API port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--dynamodb-port", defaultValue = "8000", description = "DynamoDB (dynalite) port (default: ${DEFAULT-VALUE}).")
    int dynamoPort;

    @Option(names = "--kinesis-port", defaultValue = "4567", description = "Kinesis (kinesalite) port (default: ${DEFAULT-VALUE}).")
    int kinesisPort;

    @Option(names = "--s3-port", defaultValue = "4569", description = "S3 (s3rver) port (default: ${DEFAULT-VALUE}).")
    int s3Port;

    @Option(names = "--firehose-port", defaultValue = "4573", description = "Firehose stand-in port (default: ${DEFAULT-VALUE}).")
    int firehosePort;

    @Option(names = "--athena-port", defaultValue = "4574", description = "Athena stand-in port (default: ${DEFAULT-VALUE}).")
    int athenaPort;

    @Option(names = "--identity-port", defaultValue = "4575", description = "Local identity provider (OIDC discovery, JWKS) port (default: ${DEFAULT-VALUE}).")
    int identityPort;

    @Option(names = "--dashboard-port", defaultValue = DASHBOARD_PORT, description = "Lake dashboard port, on 127.0.0.1 "
            + "(default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--shards", defaultValue = "2", description = "Shards of the domain-events stream when it is created (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--data-dir", description = "Where data is kept (default: .tally/data in the checkout).")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the kept data first and start empty.")
    boolean fresh;

    @Option(names = "--snapshot-every", defaultValue = "" + SnapshotPolicy.DEFAULT_EVERY, description = "Snapshot interval in events (default: ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Override
    public Integer call() throws Exception {
        new SnapshotPolicy(snapshotEvery);
        var data = dataDir != null ? dataDir.toAbsolutePath() : TallyCli.home().resolve(".tally/data");
        if (fresh) {
            deleteRecursively(data);
        }
        if (shards < 1 || shards > 100) {
            throw new IllegalArgumentException("--shards must be 1 to 100, was " + shards);
        }
        var chartJs = DashboardPage.chartJs(TallyCli.home());
        var progress = new Progress(System.out);
        var logs = data.resolve("logs");
        var stack = DevStack.start(new DevStack.Settings(port, dynamoPort, kinesisPort, s3Port, firehosePort, athenaPort,
                identityPort, Optional.of(data), snapshotEvery, shards, logs), progress);
        DashboardServer dashboard;
        try {
            // its own copy of the bucket: ./tally report may be syncing .tally/lake-cache at the same time
            var lake = LocalLake.of(stack.exports());
            var lakeCopy = data.resolve("dashboard-lake");
            dashboard = new DashboardServer(dashboardPort, () -> DashboardPage.html(DashboardCommand.fromStack(lake, lakeCopy,
                    Clock.systemUTC(), Progress.silent()), chartJs), Clock.systemUTC(), DashboardServer.FRESH_FOR);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        var metrics = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tally-up-metrics").daemon().factory());
        metrics.scheduleWithFixedDelay(() -> StackMetrics.write(stack.returnedItemCounts()), 1, 1, TimeUnit.SECONDS);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping...");
            metrics.shutdownNow();
            dashboard.close();
            try {
                Files.deleteIfExists(TallyCli.stackFile());
                Files.deleteIfExists(StackMetrics.file());
            } catch (IOException ignored) {
                // a stale file is detected by ./tally env through the dead pid
            }
            stack.close();
            stopped.countDown();
        }, "tally-up-stop"));

        var exports = new LinkedHashMap<String, String>(stack.exports());
        exports.put(EnvCommand.PID, Long.toString(ProcessHandle.current().pid()));
        EnvCommand.write(TallyCli.stackFile(), exports);

        var out = System.out;
        out.println();
        out.println("Tally is up.");
        out.println("  HTTP API   " + stack.apiEndpoint() + "   (JWT authorizer: a token from ./tally token --sub NAME)");
        stack.gateway().describeRoutes().forEach((route, function) -> out.printf("    %-28s -> %s%n", route, function));
        out.println("  DynamoDB   " + stack.dynamoEndpoint() + "   (tables: events, idempotency; Streams API on the same port)");
        out.println("  Kinesis    " + stack.kinesisEndpoint() + "   (stream: domain-events)");
        out.println("  Translator DynamoDB stream -> stream-translator -> Kinesis");
        out.println("  Projection Kinesis -> balances (KCL worker pid " + stack.projectionWorker().pid() + "; log: "
                + stack.projectionWorker().log() + ")");
        out.println("  Lake       Kinesis -> lake writer (KCL worker pid " + stack.lake().writer().pid() + "; log: "
                + stack.lake().writer().log() + ")");
        out.println("             -> Firehose " + stack.lake().firehoseEndpoint() + " -> S3 " + stack.lake().s3Endpoint()
                + "/" + DevLake.BUCKET + "/events/event_date=.../*.parquet");
        out.println("  Athena     " + stack.lake().athenaEndpoint() + "   (stand-in on DuckDB: ./tally report NAME --engine athena)");
        out.println("  Dashboard  " + dashboard.url() + "   (the lake's reports as charts, made anew on a request when "
                + DashboardServer.FRESH_FOR.toSeconds() + " s old; ./tally dashboard writes it to a file)");
        out.println("  Identity   " + stack.identityProvider().issuer() + "   (OIDC discovery and JWKS; audience "
                + DevStack.AUDIENCE + ")");
        out.println("  Data       " + data);
        out.println("  Logs       " + logs + "   (JSON lines, one file per process: ./tally logs, ./tally metrics)");
        out.println();
        out.println("Try:   curl -s -X POST -H \"Authorization: Bearer $(./tally token --sub alice)\" " + stack.apiEndpoint() + "/accounts");
        out.println("Watch: ./tally tail --from-start");
        out.println("Lake:  ./tally report daily-totals   (the lake is a few seconds behind: Firehose buffers)");
        out.println("AWS:   eval \"$(./tally env)\" && aws dynamodb scan --table-name events");
        out.println("Stop:  Ctrl-C");
        stopped.await();
        return 0;
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
