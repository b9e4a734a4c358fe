package dev.tally.projections;

/** Environment-variable names and defaults of the projections, shared with the CDK app and the local stack. */
public final class ProjectionEnvironment {

    public static final String DOMAIN_EVENTS_STREAM = "TALLY_DOMAIN_EVENTS_STREAM";
    public static final String EVENTS_TABLE = "TALLY_EVENTS_TABLE";
    public static final String CATALOG_TABLE = "TALLY_PROJECTIONS_TABLE";
    public static final String SNAPSHOT_EVERY = "TALLY_SNAPSHOT_EVERY";
    /** The KCL application name, which is also its lease table's name. */
    public static final String BALANCES_APPLICATION = "tally-balances";

    private ProjectionEnvironment() {
    }
}
