package dev.tally.analytics;

import java.util.List;

/**
 * The lake's tables: their names, columns and where their objects live in the lake bucket. Shared by the lake
 * writer, the Firehose delivery (local stand-in and CDK), the Glue/Athena DDL and the DuckDB engine, so a rename
 * cannot drift; {@code LakeTableTest} checks the DDL files against these lists.
 */
public final class LakeTable {

    /** A column with its Glue/Athena type name. */
    public record Column(String name, String type) {
    }

    /** One row per domain event: the table the reports read. */
    public static final String EVENTS = "lake_events";
    /**
     * The closed days of {@link #EVENTS}, rewritten by {@link LakeCompaction}: one row per event, so reports read it
     * without de-duplicating. Same columns and partition column as {@link #EVENTS}; its own prefix, which Firehose
     * never writes to, is what marks a row as compacted.
     */
    public static final String COMPACTED = "lake_compacted";
    /** The events table summarised per account, exported for the reconciliation report. */
    public static final String LEDGER_ACCOUNTS = "ledger_accounts";

    public static final String EVENT_ID = "event_id";
    public static final String ACCOUNT_ID = "account_id";
    public static final String VERSION = "version";
    public static final String TYPE = "type";
    public static final String AMOUNT = "amount";
    public static final String BALANCE_AFTER = "balance_after";
    public static final String OCCURRED_AT = "occurred_at";
    /**
     * Who caused the event and the API request it came from; null in rows of events stored before they were recorded.
     * Added after the first rows were written: older Parquet objects lack these columns, and both engines read them
     * as null (Athena by column name, DuckDB with {@code union_by_name}).
     */
    public static final String ACTOR_ISSUER = "actor_issuer";
    public static final String ACTOR_SUBJECT = "actor_subject";
    public static final String REQUEST_ID = "request_id";
    /**
     * Who opened the account and its display name (AccountCreated rows; null elsewhere and for accounts opened before
     * owners were recorded), and the command's idempotency key: added on 2026-12-05 so that the lake holds every field
     * of a published event and a subscription can replay its history from the lake. Older objects read them as null.
     */
    public static final String OWNER_ISSUER = "owner_issuer";
    public static final String OWNER_SUBJECT = "owner_subject";
    public static final String DISPLAY_NAME = "display_name";
    public static final String IDEMPOTENCY_KEY = "idempotency_key";
    /**
     * The correlation id of the request that caused the event (the published {@code correlationId}): added on
     * 2026-12-05 with schema version 3, so older objects read it as null.
     */
    public static final String CORRELATION_ID = "correlation_id";
    /** The partition column: the UTC date the event happened ({@code yyyy-MM-dd}), not the date it arrived. */
    public static final String EVENT_DATE = "event_date";

    /** The partition column of {@link #EVENTS} and {@link #COMPACTED}, as Glue declares it: a string, not a date. */
    public static final Column PARTITION = new Column(EVENT_DATE, "string");

    /** The data columns of {@link #EVENTS} as stored in each Parquet object (the partition column is in the path). */
    public static final List<Column> EVENT_COLUMNS = List.of(
            new Column(EVENT_ID, "string"),
            new Column(ACCOUNT_ID, "string"),
            new Column(VERSION, "bigint"),
            new Column(TYPE, "string"),
            new Column(AMOUNT, "bigint"),
            new Column(BALANCE_AFTER, "bigint"),
            new Column(OCCURRED_AT, "timestamp"),
            new Column(ACTOR_ISSUER, "string"),
            new Column(ACTOR_SUBJECT, "string"),
            new Column(REQUEST_ID, "string"),
            new Column(OWNER_ISSUER, "string"),
            new Column(OWNER_SUBJECT, "string"),
            new Column(DISPLAY_NAME, "string"),
            new Column(IDEMPOTENCY_KEY, "string"),
            new Column(CORRELATION_ID, "string"));

    public static final List<Column> LEDGER_COLUMNS = List.of(
            new Column(ACCOUNT_ID, "string"),
            new Column("event_count", "bigint"),
            new Column("last_version", "bigint"),
            new Column("balance", "bigint"));

    /**
     * Athena's partition projection for {@link #EVENTS}: every day from 2020 to today is a partition, computed from
     * the query instead of stored in Glue, so nobody ever adds a partition. The DDL file and the CDK app's Glue
     * table both declare these (LakeTableTest checks the DDL).
     */
    public static final java.util.Map<String, String> EVENT_DATE_PROJECTION = java.util.Map.of(
            "projection.enabled", "true",
            "projection.event_date.type", "date",
            "projection.event_date.format", "yyyy-MM-dd",
            "projection.event_date.range", "2020-01-01,NOW",
            "projection.event_date.interval", "1",
            "projection.event_date.interval.unit", "DAYS");

    /** Key prefix of {@link #EVENTS}; below it one folder per partition, {@code event_date=yyyy-MM-dd/}. */
    public static final String EVENTS_PREFIX = "events/";
    /** Key prefix of {@link #COMPACTED}; below it one folder per partition, as under {@link #EVENTS_PREFIX}. */
    public static final String COMPACTED_PREFIX = "compacted/";
    /** Key prefix of {@link #LEDGER_ACCOUNTS}. */
    public static final String LEDGER_PREFIX = "ledger-accounts/";

    private LakeTable() {
    }
}
