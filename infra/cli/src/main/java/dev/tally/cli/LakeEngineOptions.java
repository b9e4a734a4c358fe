package dev.tally.cli;

import dev.tally.analytics.AthenaEngine;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.ReportEngine;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.Progress;
import dev.tally.eventstore.EventTable;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where SQL over the lake runs, for {@code ./tally report} and {@code ./tally sql}: DuckDB over the running stack's
 * lake (synced into .tally/lake-cache) or over a lake folder, or Athena in AWS (or its stand-in, after
 * {@code eval "$(./tally env)"}). A query that reads {@code ledger_accounts} gets a fresh export of the events table
 * first.
 */
final class LakeEngineOptions {

    enum Engine { duckdb, athena }

    @Option(names = "--engine", defaultValue = "duckdb", description = "duckdb (local stack) or athena (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--dir", paramLabel = "FOLDER", description = "With duckdb: a lake folder (the layout Firehose writes, "
            + "e.g. .tally/bench-lake/uncompacted) instead of the running stack's bucket.")
    Path dir;

    @Option(names = "--workgroup", defaultValue = "tally", description = "Athena workgroup (default: ${DEFAULT-VALUE}).")
    String workgroup;

    @Option(names = "--database", defaultValue = "tally", description = "Athena/Glue database (default: ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--output-location", paramLabel = "s3://...", description = "Athena result location (default: the workgroup's).")
    String outputLocation;

    @Option(names = "--lake-bucket", description = "With athena: the lake bucket, where the ledger export goes (for reconciliation).")
    String lakeBucket;

    @Option(names = "--events-table", defaultValue = EventTable.DEFAULT_NAME, description = "With athena: the events table (default: ${DEFAULT-VALUE}).")
    String eventsTable;

    /**
     * Opens the engine, first exporting the events table into the lake if {@code needsLedgerExport}.
     *
     * @param what names what will run, for messages: "reconciliation", "the query"
     */
    ReportEngine open(boolean needsLedgerExport, String what, Progress progress) throws Exception {
        if (dir != null && engine != Engine.duckdb) {
            throw new IllegalArgumentException("--dir reads a lake folder with DuckDB; it does not apply to --engine " + engine);
        }
        return engine == Engine.duckdb ? local(needsLedgerExport, what, progress) : athena(needsLedgerExport, what, progress);
    }

    /** DuckDB over a lake folder, or over a fresh copy of the running stack's lake. */
    private ReportEngine local(boolean needsLedgerExport, String what, Progress progress) throws Exception {
        if (dir != null) {
            if (needsLedgerExport) {
                throw new IllegalArgumentException(what + " compares the lake with the events table, so it "
                        + "needs the running stack, not --dir");
            }
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--dir " + dir + " is not a folder");
            }
            return new DuckDbEngine(dir.toAbsolutePath());
        }
        var lake = LocalLake.of(StackEnvironment.running());
        if (needsLedgerExport) {
            lake.exportLedger(progress);
        }
        return lake.synced(LocalLake.defaultCache(), progress);
    }

    private ReportEngine athena(boolean needsLedgerExport, String what, Progress progress) {
        if (needsLedgerExport) {
            if (lakeBucket == null) {
                throw new IllegalArgumentException(what + " on Athena needs --lake-bucket (where the ledger export goes)");
            }
            try (var dynamo = DynamoDbClient.create(); var s3 = s3FromEnvironment()) {
                LocalLake.exported(LedgerExport.export(dynamo, eventsTable, s3, lakeBucket), lakeBucket, progress);
            }
        }
        return new AthenaEngine(AthenaClient.create(), new AthenaEngine.Settings(workgroup, database,
                Optional.ofNullable(outputLocation), Duration.ofMinutes(10)));
    }

    /**
     * The SDK's default S3 client, except against the local stack (an endpoint on 127.0.0.1, as after
     * {@code eval "$(./tally env)"}), where s3rver needs path-style requests and no chunked encoding.
     */
    private static S3Client s3FromEnvironment() {
        var endpoint = System.getenv("AWS_ENDPOINT_URL_S3");
        if (endpoint != null && URI.create(endpoint).getHost() != null && URI.create(endpoint).getHost().equals("127.0.0.1")) {
            return DevLake.s3Client(URI.create(endpoint));
        }
        return S3Client.create();
    }
}
