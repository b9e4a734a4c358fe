package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes lake rows as the lake stores them (Parquet under events/event_date=.../) for report tests. */
final class TestLake {

    private TestLake() {
    }

    static LakeRow credit(String account, long version, long amount, long balanceAfter, String at) {
        return new LakeRow(eventId(account, version), account, version, "BalanceCredited", amount, balanceAfter, Instant.parse(at), null, null, null, null, null, null, null, null);
    }

    static LakeRow withdrawal(String account, long version, long amount, long balanceAfter, String at) {
        return new LakeRow(eventId(account, version), account, version, "BalanceWithdrawn", amount, balanceAfter, Instant.parse(at), null, null, null, null, null, null, null, null);
    }

    static LakeRow opened(String account, String at) {
        return new LakeRow(eventId(account, 1), account, 1, "AccountCreated", 0, 0, Instant.parse(at), null, null, null, null, null, null, null, null);
    }

    static String eventId(String account, long version) {
        return dev.tally.contracts.DomainEvent.eventIdFor(account, version);
    }

    /** Writes the events table's summary where {@link LedgerExport} puts it, for the reconciliation report. */
    static void writeLedger(Path lake, java.util.Map<String, LedgerExport.Account> accounts) {
        try {
            var parquet = lake.resolve(LedgerExport.OBJECT_KEY);
            Files.createDirectories(parquet.getParent());
            LedgerExport.write(accounts, parquet);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code rows} as one Parquet object per event date, in a new file each call (like Firehose), in the
     * lake's first form: without the actor and request id columns, which were added later.
     */
    static void write(Path lake, List<LakeRow> rows) {
        write(lake, rows, "");
    }

    /** Writes {@code rows} as {@link #write} does, with every column the lake has today. */
    static void writeCurrent(Path lake, List<LakeRow> rows) {
        write(lake, rows, "actor_issuer: 'VARCHAR', actor_subject: 'VARCHAR', request_id: 'VARCHAR', "
                + "owner_issuer: 'VARCHAR', owner_subject: 'VARCHAR', display_name: 'VARCHAR', idempotency_key: 'VARCHAR', ");
    }

    private static void write(Path lake, List<LakeRow> rows, String addedColumns) {
        try {
            var json = Files.createTempFile("rows", ".json");
            var lines = new ArrayList<String>();
            rows.forEach(r -> lines.add(new String(r.toJsonLine(), java.nio.charset.StandardCharsets.UTF_8).strip()));
            Files.write(json, lines);
            var target = lake.resolve(LakeTable.EVENTS_PREFIX);
            Files.createDirectories(target);
            try (var connection = DriverManager.getConnection("jdbc:duckdb:"); var statement = connection.createStatement()) {
                statement.execute("COPY (SELECT * FROM read_json(" + DuckDbEngine.literal(json.toString())
                        + ", format = 'newline_delimited', columns = {event_id: 'VARCHAR', account_id: 'VARCHAR', "
                        + "version: 'BIGINT', type: 'VARCHAR', amount: 'BIGINT', balance_after: 'BIGINT', "
                        + "occurred_at: 'TIMESTAMP', " + addedColumns + "event_date: 'VARCHAR'}, timestampformat = '%Y-%m-%d %H:%M:%S.%g')) TO "
                        + DuckDbEngine.literal(target.toString())
                        + " (FORMAT parquet, PARTITION_BY (event_date), APPEND true, FILENAME_PATTERN 'part_{uuid}')");
            } finally {
                Files.deleteIfExists(json);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
