package dev.tally.analytics;

import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.RecordedEvent;
import dev.tally.eventstore.UnreadableEventException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises the events table per account (number of events, last version, balance after it) and stores the
 * summary in the lake as {@link LakeTable#LEDGER_ACCOUNTS}, one Parquet object replaced on each export, for the
 * reconciliation report. It reads the whole table with a consistent-read scan; in AWS it needs
 * {@code dynamodb:Scan} on the events table and {@code s3:PutObject} on the ledger prefix.
 */
public final class LedgerExport {

    public static final String OBJECT_KEY = LakeTable.LEDGER_PREFIX + "ledger-accounts" + LakeDelivery.FILE_EXTENSION;

    /** One account's summary. */
    public record Account(long eventCount, long lastVersion, long balance) {
    }

    /**
     * The events table per account, in id order, and the items that are marked as events but cannot be read
     * (unknown type or schema version): they cannot be in the lake either, so they are left out of the summary and
     * named here instead (the stream translator dead-letters the same items).
     */
    public record Summary(Map<String, Account> accounts, List<String> unreadable) {
    }

    /** Reads the whole events table with a consistent scan. */
    public static Summary summarise(DynamoDbClient dynamo, String eventsTable) {
        var accounts = new TreeMap<String, Account>();
        var unreadable = new ArrayList<String>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(eventsTable).consistentRead(true)).items()) {
            if (!EventItemCodec.isEvent(item)) {
                continue;
            }
            RecordedEvent recorded;
            try {
                recorded = EventItemCodec.decode(item);
            } catch (UnreadableEventException | IllegalArgumentException e) {
                unreadable.add(e.getMessage());
                continue;
            }
            var id = recorded.event().accountId().toString();
            var account = new Account(1, recorded.version(), recorded.balanceAfter().minorUnits());
            accounts.merge(id, account, (a, b) -> new Account(
                    Math.addExact(a.eventCount(), b.eventCount()),
                    Math.max(a.lastVersion(), b.lastVersion()),
                    a.lastVersion() >= b.lastVersion() ? a.balance() : b.balance()));
        }
        return new Summary(accounts, List.copyOf(unreadable));
    }

    /** Summarises the events table and replaces the lake's ledger object; returns the summary. */
    public static Summary export(DynamoDbClient dynamo, String eventsTable, S3Client s3, String bucket) {
        var summary = summarise(dynamo, eventsTable);
        try {
            var dir = Files.createTempDirectory("tally-ledger-");
            var parquet = dir.resolve("ledger.parquet");
            try {
                write(summary.accounts(), parquet);
                s3.putObject(b -> b.bucket(bucket).key(OBJECT_KEY), RequestBody.fromFile(parquet));
            } finally {
                Files.deleteIfExists(parquet);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the ledger summary", e);
        }
        return summary;
    }

    /** Writes {@code accounts} as the ledger object's Parquet file: {@link LakeTable#LEDGER_COLUMNS}, one row each. */
    public static void write(Map<String, Account> accounts, Path parquet) {
        try {
            var csv = Files.createTempFile("tally-ledger-", ".csv");
            try {
                var lines = new StringBuilder("account_id,event_count,last_version,balance\n");
                accounts.forEach((id, a) -> lines.append(id).append(',').append(a.eventCount()).append(',')
                        .append(a.lastVersion()).append(',').append(a.balance()).append('\n'));
                Files.writeString(csv, lines);
                try (var connection = DriverManager.getConnection("jdbc:duckdb:");
                     var statement = connection.createStatement()) {
                    statement.execute("COPY (SELECT * FROM read_csv(" + DuckDbEngine.literal(csv.toString())
                            + ", header = true, columns = {'account_id': 'VARCHAR', 'event_count': 'BIGINT', "
                            + "'last_version': 'BIGINT', 'balance': 'BIGINT'})) TO "
                            + DuckDbEngine.literal(parquet.toString()) + " (FORMAT parquet)");
                }
            } finally {
                Files.deleteIfExists(csv);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger summary to " + parquet, e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the ledger summary as Parquet: " + e.getMessage(), e);
        }
    }
}
