package dev.tally.analytics;

import dev.tally.contracts.DomainEvent;
import dev.tally.domain.EventType;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lake read back as published events, for a subscription that starts from the beginning of time: every event
 * once (rows de-duplicated), each account's in version order. What comes back is what was published, but for two
 * things the lake does not keep: {@code occurredAt} is cut to the millisecond, and events whose rows were written
 * before 2026-12-05 have no owner, display name or idempotency key (the contract's null: recorded before these
 * were).
 */
public final class LakeHistory {

    /**
     * Of an event's copies, the one with the most columns filled first (a copy written before a column existed has it
     * null): the ORDER BY after the event id that picks it. {@link LakeCompaction} keeps the same copy.
     */
    static final String FULLEST_COPY_FIRST = String.join(" NULLS LAST, ", LakeTable.OWNER_SUBJECT, LakeTable.DISPLAY_NAME,
            LakeTable.IDEMPOTENCY_KEY, LakeTable.ACTOR_SUBJECT, LakeTable.REQUEST_ID, LakeTable.CORRELATION_ID) + " NULLS LAST";

    /** The compacted days and the open rows together: an event may be in both (see {@link LakeCompaction}). */
    private static final String ALL_ROWS = "(SELECT " + columns() + " FROM " + LakeTable.COMPACTED + " UNION ALL SELECT "
            + columns() + " FROM " + LakeTable.EVENTS + ")";

    /**
     * One row per event id (DuckDB's DISTINCT ON; this runs only locally on the synced lake): of its copies, the one
     * with the most columns filled.
     */
    private static final String SQL = "SELECT * FROM (SELECT DISTINCT ON (" + LakeTable.EVENT_ID + ") "
            + String.join(", ", LakeTable.EVENT_ID, LakeTable.ACCOUNT_ID,
            LakeTable.VERSION, LakeTable.TYPE, LakeTable.AMOUNT, LakeTable.BALANCE_AFTER,
            "epoch_ms(" + LakeTable.OCCURRED_AT + ") AS occurred_at_ms", LakeTable.ACTOR_ISSUER, LakeTable.ACTOR_SUBJECT,
            LakeTable.REQUEST_ID, LakeTable.OWNER_ISSUER, LakeTable.OWNER_SUBJECT, LakeTable.DISPLAY_NAME,
            LakeTable.IDEMPOTENCY_KEY, LakeTable.CORRELATION_ID)
            + " FROM " + ALL_ROWS + " ORDER BY " + LakeTable.EVENT_ID + ", " + FULLEST_COPY_FIRST + ") ORDER BY "
            + LakeTable.ACCOUNT_ID + ", " + LakeTable.VERSION;

    private static String columns() {
        return LakeTable.EVENT_COLUMNS.stream().map(LakeTable.Column::name).collect(java.util.stream.Collectors.joining(", "));
    }

    private LakeHistory() {
    }

    /**
     * Hands every event of the lake synced into {@code lake} (a {@link LakeCache} folder) to {@code events}, one
     * account after another, each in version order, as DuckDB streams them.
     */
    public static void read(Path lake, Consumer<DomainEvent> events) {
        try (var engine = new DuckDbEngine(lake)) {
            engine.query(SQL, List.of(), new ReportEngine.RowSink() {
                @Override
                public void columns(List<String> names) {
                    // fixed by the query
                }

                @Override
                public void row(List<Object> values) {
                    events.accept(event(values));
                }
            });
        }
    }

    private static DomainEvent event(List<Object> row) {
        var eventId = (String) row.get(0);
        var accountId = (String) row.get(1);
        long version = (Long) row.get(2);
        var type = (String) row.get(3);
        long amount = (Long) row.get(4);
        long balanceAfter = (Long) row.get(5);
        var occurredAt = Instant.ofEpochMilli((Long) row.get(6));
        var actor = identity(row.get(7), row.get(8));
        var requestId = (String) row.get(9);
        var owner = identity(row.get(10), row.get(11));
        var displayName = (String) row.get(12);
        var idempotencyKey = (String) row.get(13);
        // rows written before the column existed: the request id was the correlation then (contract version 2)
        var correlationId = row.get(14) == null ? requestId : (String) row.get(14);
        return switch (EventType.named(type).orElseThrow(() -> new IllegalStateException(
                "the lake has an event of unknown type " + type + " (" + eventId + "): upgrade this reader"))) {
            case ACCOUNT_CREATED -> new DomainEvent.AccountCreated(eventId, accountId, version, occurredAt, owner,
                    displayName, actor, requestId, correlationId, idempotencyKey);
            case BALANCE_CREDITED -> new DomainEvent.BalanceCredited(eventId, accountId, version, occurredAt, amount,
                    balanceAfter, actor, requestId, correlationId, idempotencyKey);
            case BALANCE_WITHDRAWN -> new DomainEvent.BalanceWithdrawn(eventId, accountId, version, occurredAt, amount,
                    balanceAfter, actor, requestId, correlationId, idempotencyKey);
        };
    }

    private static DomainEvent.Identity identity(Object issuer, Object subject) {
        return issuer == null || subject == null ? null : new DomainEvent.Identity((String) issuer, (String) subject);
    }
}
