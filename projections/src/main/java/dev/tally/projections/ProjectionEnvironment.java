package dev.tally.projections;

/**
 * The projections' settings, shared with the CDK app and the dev stack: the projection catalog's table and the
 * projections' names. The balances worker and the balances read API also read the event store's settings
 * ({@link dev.tally.eventstore.EventStoreSettings}) and the stream's name ({@link dev.tally.contracts.PublishedStream}).
 */
public final class ProjectionEnvironment {

    public static final String CATALOG_TABLE = "TALLY_PROJECTIONS_TABLE";
    /** The balances projection's name in the catalog. */
    public static final String BALANCES = "balances";
    /** The KCL application name, which is also its lease table's name. */
    public static final String BALANCES_APPLICATION = "tally-balances";

    private ProjectionEnvironment() {
    }
}
