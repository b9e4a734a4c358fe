package dev.tally.cli;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.ReportEngine;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.eventstore.EventStoreSettings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
        if (!stack.containsKey("AWS_ENDPOINT_URL_S3") || !stack.containsKey(DevStack.LAKE_BUCKET)
                || !stack.containsKey("AWS_ENDPOINT_URL_DYNAMODB")) {
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

    /**
     * Brings {@code folder} up to date with the bucket and opens DuckDB over it. The folder is this process's until the
     * engine is closed: two commands sharing it (two {@code ./tally sql} at once) would otherwise replace or delete
     * files under each other's running query. The other waits, and says so.
     */
    ReportEngine synced(Path folder, Progress progress) {
        var lock = lock(folder, progress);
        try (var s3 = s3()) {
            var cache = new LakeCache(s3, bucket, folder);
            var synced = cache.sync();
            progress.step("lake synced from s3://" + bucket + " into " + cache.folder() + ": " + synced.downloaded()
                    + " objects downloaded (" + synced.bytesDownloaded() + " bytes), " + synced.unchanged() + " unchanged, "
                    + synced.removed() + " removed");
            var engine = new DuckDbEngine(cache.folder());
            return new ReportEngine() {
                @Override
                public void query(String sql, List<String> stringParameters, RowSink sink) {
                    engine.query(sql, stringParameters, sink);
                }

                @Override
                public String describe() {
                    return engine.describe();
                }

                @Override
                public void close() {
                    try (lock) {
                        engine.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot release " + folder, e);
                    }
                }
            };
        } catch (RuntimeException e) {
            close(lock);
            throw e;
        }
    }

    /** An exclusive lock on {@code folder}'s sibling {@code NAME.lock}, across processes; waits for another holder. */
    private static FileChannel lock(Path folder, Progress progress) {
        var file = folder.resolveSibling(folder.getFileName() + ".lock");
        try {
            Files.createDirectories(folder.getParent());
            var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() == null) {
                    progress.step("waiting for another ./tally command that is using " + folder);
                    channel.lock();
                }
                return channel; // closing the channel releases the lock
            } catch (IOException | RuntimeException e) {
                close(channel);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // releasing a lock we are giving up anyway
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
