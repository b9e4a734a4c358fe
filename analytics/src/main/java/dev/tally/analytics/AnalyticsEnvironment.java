package dev.tally.analytics;

/**
 * The lake writer's and the compaction job's settings, shared with the CDK app and the dev stack: the Firehose
 * delivery stream the writer puts rows to, its KCL application, and the bucket the compaction job rewrites. It reads the stream's name from {@link dev.tally.contracts.PublishedStream}.
 */
public final class AnalyticsEnvironment {

    public static final String DELIVERY_STREAM = "TALLY_LAKE_DELIVERY_STREAM";
    /** The KCL application name, which is also its lease table's name. */
    public static final String LAKE_WRITER_APPLICATION = "tally-lake-writer";

    /** The compaction job's lake bucket (its name, not an ARN). */
    public static final String LAKE_BUCKET = "TALLY_LAKE_BUCKET";
    /** The compaction job's grace period in days; {@link LakeCompaction#DEFAULT_GRACE_DAYS} when unset. */
    public static final String COMPACTION_GRACE_DAYS = "TALLY_LAKE_COMPACTION_GRACE_DAYS";
    /** The compaction job's service name in its logs. */
    public static final String LAKE_COMPACTION_SERVICE = "tally-lake-compaction";

    private AnalyticsEnvironment() {
    }
}
