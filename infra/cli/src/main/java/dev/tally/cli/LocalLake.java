package dev.tally.cli;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LedgerExport;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.eventstore.EventStoreSettings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local stack's data lake as the CLI reads it: the bucket in s3rver, copied into a folder for DuckDB, and the
 * events table that the reconciliation report compares it with. {@code ./tally report} and {@code ./tally sql}
 * (through {@link LakeEngineOptions}), {@code ./tally dashboard}, {@code ./tally lake compact} and the dashboard
 * {@code ./tally up} serves all read it through here.
 */
final class LocalLake {

    /** Where {@code ./tally report} and {@code ./tally dashboard} keep their copy of the bucket. */
    static Path defaultCache() {
        return TallyCli.home().resolve(".tally/lake-cache");
    }

    private final URI s3Endpoint;
    private final String bucket;
    private final URI dynamoEndpoint;
    private final String eventsTable;

    private LocalLake(URI s3Endpoint, String bucket, URI dynamoEndpoint, String eventsTable) {
        this.s3Endpoint = s3Endpoint;
        this.bucket = bucket;
        this.dynamoEndpoint = dynamoEndpoint;
        this.eventsTable = eventsTable;
    }

    /**
     * The lake of the stack whose settings are {@code stack} (what {@code ./tally up} writes to .tally/stack.env).
     *
     * @throws IllegalStateException if that stack has no lake: it was started by an older ./tally
     */
    static LocalLake of(Map<String, String> stack) {
        if (!stack.containsKey("AWS_ENDPOINT_URL_S3") || !stack.containsKey(DevStack.LAKE_BUCKET)) {
            throw new IllegalStateException("the running stack has no data lake (started by an older ./tally?); restart ./tally up");
        }
        return new LocalLake(URI.create(stack.get("AWS_ENDPOINT_URL_S3")), stack.get(DevStack.LAKE_BUCKET),
                URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")), EventStoreSettings.fromEnvironment(stack).eventsTable());
    }

    String bucket() {
        return bucket;
    }

    /** A new client for the lake's S3 (s3rver); the caller closes it. */
    S3Client s3() {
        return DevLake.s3Client(s3Endpoint);
    }

    /**
     * Replaces the lake's ledger export with a summary of the events table as it is now: what the reconciliation
     * report compares the lake with. Names the items it left out on {@code progress}.
     */
    void exportLedger(Progress progress) {
        try (var s3 = s3(); var dynamo = DevStack.client(DynamoDbClient.builder(), dynamoEndpoint)) {
            exported(LedgerExport.export(dynamo, eventsTable, s3, bucket), bucket, progress);
        }
    }

    /** Brings {@code folder} up to date with the bucket and opens DuckDB over it. */
    DuckDbEngine synced(Path folder, Progress progress) {
        try (var s3 = s3()) {
            var cache = new LakeCache(s3, bucket, folder);
            var synced = cache.sync();
            progress.step("lake synced from s3://" + bucket + " into " + cache.folder() + ": " + synced.downloaded()
                    + " objects downloaded (" + synced.bytesDownloaded() + " bytes), " + synced.unchanged() + " unchanged, "
                    + synced.removed() + " removed");
            return new DuckDbEngine(cache.folder());
        }
    }

    /** For the reader: which lake, and where its copy is. */
    String describe(Path folder) {
        return "s3://" + bucket + " (the local stack's lake, copied into " + folder + ")";
    }

    static void exported(LedgerExport.Summary summary, String bucket, Progress progress) {
        progress.step("exported the events table's " + summary.accounts().size() + " accounts to s3://" + bucket + "/"
                + LedgerExport.OBJECT_KEY);
        summary.unreadable().forEach(reason -> progress.step("left out an unreadable item (see ./tally dead-letters): " + reason));
    }
}
