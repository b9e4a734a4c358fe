package dev.tally.analytics;

/** Environment-variable names and defaults of the lake writer, shared with the CDK app and the local stack. */
public final class AnalyticsEnvironment {

    public static final String DOMAIN_EVENTS_STREAM = "TALLY_DOMAIN_EVENTS_STREAM";
    public static final String DELIVERY_STREAM = "TALLY_LAKE_DELIVERY_STREAM";
    /** The KCL application name, which is also its lease table's name. */
    public static final String LAKE_WRITER_APPLICATION = "tally-lake-writer";

    private AnalyticsEnvironment() {
    }
}
