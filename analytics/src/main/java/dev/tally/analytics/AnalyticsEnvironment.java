package dev.tally.analytics;

/**
 * The lake writer's settings, shared with the CDK app and the dev stack: the Firehose delivery stream it puts rows
 * to, and its KCL application. It reads the stream's name from {@link dev.tally.contracts.PublishedStream}.
 */
public final class AnalyticsEnvironment {

    public static final String DELIVERY_STREAM = "TALLY_LAKE_DELIVERY_STREAM";
    /** The KCL application name, which is also its lease table's name. */
    public static final String LAKE_WRITER_APPLICATION = "tally-lake-writer";

    private AnalyticsEnvironment() {
    }
}
