package dev.tally.analytics;

import java.time.Duration;

/**
 * How the lake's Firehose delivery stream is configured: one definition for the CDK app and the local stack
 * (which creates it through the Firehose API on the stand-in), so the two cannot drift.
 *
 * <p>Dynamic partitioning takes {@code event_date} from each JSON record with a JQ query, so objects land in the
 * folder of the day the event <em>happened</em>; Firehose's default arrival-hour folders would put a late event
 * under the wrong day. Records are converted to Parquet with the Glue table's schema ({@link LakeTable}); records
 * that cannot be converted or partitioned go under {@link #ERROR_PREFIX}, as JSON documents naming the error.
 */
public final class LakeDelivery {

    public static final String DELIVERY_STREAM = "tally-lake";
    public static final String PARTITION_KEY = LakeTable.EVENT_DATE;
    /** S3 key prefix; Firehose appends {@code <stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><extension>}. */
    public static final String PREFIX = LakeTable.EVENTS_PREFIX + PARTITION_KEY + "=!{partitionKeyFromQuery:" + PARTITION_KEY + "}/";
    public static final String ERROR_PREFIX = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/";
    /** The JQ query extracting the partition key (MetadataExtractionQuery). */
    public static final String METADATA_EXTRACTION_QUERY = "{" + PARTITION_KEY + ":." + PARTITION_KEY + "}";
    public static final String JQ_ENGINE = "JQ-1.6";
    public static final String FILE_EXTENSION = ".parquet";
    /** The Glue database holding {@link LakeTable#EVENTS}, whose schema the Parquet conversion uses. */
    public static final String GLUE_DATABASE = "tally";

    /**
     * Buffering in AWS: Parquet conversion wants big buffers (Firehose's minimum with dynamic partitioning is 64 MiB),
     * and five minutes keeps objects few and large. The lake is therefore up to five minutes behind.
     */
    public static final int BUFFER_SIZE_MIB = 128;
    public static final Duration BUFFER_INTERVAL = Duration.ofSeconds(300);
    /** Buffering on one machine: a demo should not wait five minutes for its lake. */
    public static final Duration LOCAL_BUFFER_INTERVAL = Duration.ofSeconds(2);

    private LakeDelivery() {
    }
}
