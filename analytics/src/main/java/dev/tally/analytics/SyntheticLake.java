package dev.tally.analytics;

import dev.tally.domain.EventType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * Writes a synthetic lake for benchmarks: {@code accounts × eventsPerAccount} events in the lake's layout
 * ({@code events/event_date=yyyy-MM-dd/*.parquet}, the same columns and types Firehose writes), generated inside
 * DuckDB. Every account opens, then alternates a credit with a withdrawal of at most that credit, so balances
 * never go below zero and the reports have real work to do. Events spread evenly over {@code days} days from
 * {@code firstDay}. Deterministic: the same arguments give the same rows. {@link #writeCopies} adds copies of some
 * events in new objects, as at-least-once delivery does, so benchmarks can check that reports stay exact.
 */
public final class SyntheticLake {

    private SyntheticLake() {
    }

    public static void write(Path lake, long accounts, int eventsPerAccount, int days, LocalDate firstDay) {
        copy(lake, accounts, eventsPerAccount, days, firstDay, "true", "(FORMAT parquet, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE true)");
    }

    /**
     * Adds copies of about {@code perMille} in a thousand of the events dated from {@code from} to {@code to}
     * (inclusive), chosen by {@code seed}, as new objects in their days' folders: what a re-delivered batch leaves.
     * The same arguments as {@link #write} name the same events.
     */
    public static void writeCopies(Path lake, long accounts, int eventsPerAccount, int days, LocalDate firstDay,
                                   int perMille, int seed, LocalDate from, LocalDate to) {
        if (perMille < 1 || perMille > 1000) {
            throw new IllegalArgumentException("copies per thousand events must be 1 to 1000, was " + perMille);
        }
        var filter = "hash(event_id, " + seed + ") % 1000 < " + perMille + " AND event_date BETWEEN '" + from + "' AND '" + to + "'";
        copy(lake, accounts, eventsPerAccount, days, firstDay, filter,
                "(FORMAT parquet, PARTITION_BY (event_date), APPEND true, FILENAME_PATTERN 'copies_" + seed + "_{uuid}')");
    }

    private static void copy(Path lake, long accounts, int eventsPerAccount, int days, LocalDate firstDay, String filter,
                             String options) {
        if (accounts < 1 || eventsPerAccount < 1 || days < 1) {
            throw new IllegalArgumentException("accounts, events per account and days must be positive, were "
                    + accounts + ", " + eventsPerAccount + " and " + days);
        }
        var target = lake.resolve(LakeTable.EVENTS_PREFIX);
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
        long secondsPerEvent = Math.max(1, (long) days * 86_400 / eventsPerAccount);
        var sql = """
                COPY (SELECT * FROM (
                  WITH base AS (
                    SELECT a, k,
                           CASE WHEN k = 1 THEN '{ACCOUNT_CREATED}'
                                WHEN k %% 2 = 0 THEN '{BALANCE_CREDITED}'
                                ELSE '{BALANCE_WITHDRAWN}' END AS type,
                           CASE WHEN k = 1 THEN 0
                                WHEN k %% 2 = 0 THEN 1 + CAST(hash(a, k) %% 100000 AS BIGINT)
                                ELSE (1 + CAST(hash(a, k - 1) %% 100000 AS BIGINT)) * CAST(hash(a, k) %% 100 AS BIGINT) // 100
                           END AS amount,
                           md5('account/' || a) AS account_hash,
                           md5('tally/' || a || '/' || k) AS event_hash
                    FROM range(0, %d) accounts(a), range(1, %d) versions(k)
                  )
                  SELECT substr(event_hash, 1, 8) || '-' || substr(event_hash, 9, 4) || '-' || substr(event_hash, 13, 4)
                           || '-' || substr(event_hash, 17, 4) || '-' || substr(event_hash, 21, 12) AS event_id,
                         substr(account_hash, 1, 8) || '-' || substr(account_hash, 9, 4) || '-' || substr(account_hash, 13, 4)
                           || '-' || substr(account_hash, 17, 4) || '-' || substr(account_hash, 21, 12) AS account_id,
                         k AS version,
                         type,
                         amount,
                         CAST(sum(CASE WHEN type = '{BALANCE_WITHDRAWN}' THEN -amount ELSE amount END)
                           OVER (PARTITION BY a ORDER BY k) AS BIGINT) AS balance_after,
                         occurred_at,
                         CAST(CAST(occurred_at AS DATE) AS VARCHAR) AS event_date
                  FROM (SELECT *, TIMESTAMP '%s 00:00:00' + to_seconds((k - 1) * %d + (a * 7919) %% %d) AS occurred_at FROM base)
                ) WHERE %s) TO %s %s
                """.formatted(accounts, eventsPerAccount + 1, firstDay, secondsPerEvent, secondsPerEvent, filter,
                DuckDbEngine.literal(target.toString()), options);
        for (var type : EventType.values()) {
            sql = sql.replace("{" + type.name() + "}", type.typeName());
        }
        try (var connection = DriverManager.getConnection("jdbc:duckdb:");
             var statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("SET preserve_insertion_order = false");
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot generate the synthetic lake: " + e.getMessage(), e);
        }
    }
}
