package dev.tally.analytics;

import dev.tally.observability.WorkerLogging;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The daily compaction job in AWS: a Fargate task started by an EventBridge schedule (see the CDK app's
 * {@code LakeCompactionSchedule}), running {@link LakeCompaction} on the lake bucket with DuckDB, as
 * {@code ./tally lake compact} does locally. It exits when every closed day is compacted; a failure exits non-zero
 * and the next day's run picks up where it stopped (the job is idempotent).
 */
public final class LakeCompactionApp {

    private LakeCompactionApp() {
    }

    public static void main(String[] args) throws Exception {
        WorkerLogging.start(AnalyticsEnvironment.LAKE_COMPACTION_SERVICE);
        var log = LoggerFactory.getLogger(LakeCompactionApp.class);
        var bucket = required(AnalyticsEnvironment.LAKE_BUCKET);
        var grace = System.getenv(AnalyticsEnvironment.COMPACTION_GRACE_DAYS);
        int graceDays = grace == null ? LakeCompaction.DEFAULT_GRACE_DAYS : Integer.parseInt(grace);
        // the task's root filesystem is read-only; java.io.tmpdir is its scratch volume
        var work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "compaction-");
        try (var s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            var days = new LakeCompaction(new LakeBucket(s3, bucket), Clock.systemUTC(), graceDays, work).run(log::info);
            log.info("compacted {} days", days.size());
        }
    }

    private static String required(String name) {
        var value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
