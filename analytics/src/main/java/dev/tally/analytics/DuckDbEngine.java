package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The local stand-in for Athena: DuckDB (in process, in memory) over a folder laid out like the lake bucket, with
 * the lake's tables as views over its Parquet objects. DuckDB cannot read {@code s3://} here (no httpfs), so the
 * objects are synced into the folder first (see {@link LakeCache}).
 *
 * <p>The views give the same columns and types as the Athena tables: {@code event_date} comes from the
 * {@code event_date=...} folder names and is read as a string, as the Glue table declares it.
 */
public final class DuckDbEngine implements ReportEngine {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Connection connection;
    private final Path lake;

    public DuckDbEngine(Path lake) {
        this.lake = lake;
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
            execute("SET TimeZone = 'UTC'");
            execute("CREATE VIEW " + LakeTable.EVENTS + " AS " + source(LakeTable.EVENTS_PREFIX, LakeTable.EVENT_COLUMNS, true));
            execute("CREATE VIEW " + LakeTable.COMPACTED + " AS "
                    + source(LakeTable.COMPACTED_PREFIX, LakeTable.EVENT_COLUMNS, true));
            execute("CREATE VIEW " + LakeTable.LEDGER_ACCOUNTS + " AS "
                    + source(LakeTable.LEDGER_PREFIX, LakeTable.LEDGER_COLUMNS, false));
        } catch (SQLException e) {
            throw new ReportFailedException("cannot open DuckDB over " + lake + ": " + e.getMessage(), e);
        }
    }

    /** A query over the table's Parquet objects, or an empty relation of the right shape while there are none. */
    private String source(String prefix, List<LakeTable.Column> columns, boolean partitioned) throws SQLException {
        var folder = lake.resolve(prefix);
        if (!hasParquet(folder)) {
            var typed = columns.stream().map(c -> "CAST(NULL AS " + duckType(c.type()) + ") AS " + c.name())
                    .collect(Collectors.joining(", "));
            return "SELECT " + typed + (partitioned ? ", CAST(NULL AS VARCHAR) AS " + LakeTable.EVENT_DATE : "") + " WHERE false";
        }
        var from = partitioned
                ? "read_parquet(" + literal(folder + "/*/*.parquet") + ", hive_partitioning = true, hive_types = {'"
                        + LakeTable.EVENT_DATE + "': VARCHAR}, union_by_name = true)"
                : "read_parquet(" + literal(folder + "/*.parquet") + ", union_by_name = true)";
        // A column added to the table after some objects were written is null in those (union_by_name), and in all
        // of them if none has it yet, as Athena reads Parquet by column name.
        var present = columnNames(from);
        var names = columns.stream().map(c -> present.contains(c.name()) ? c.name()
                : "CAST(NULL AS " + duckType(c.type()) + ") AS " + c.name()).collect(Collectors.joining(", "));
        return "SELECT " + names + (partitioned ? ", " + LakeTable.EVENT_DATE : "") + " FROM " + from;
    }

    private java.util.Set<String> columnNames(String from) throws SQLException {
        var names = new java.util.HashSet<String>();
        try (var statement = connection.createStatement();
             var described = statement.executeQuery("DESCRIBE SELECT * FROM " + from)) {
            while (described.next()) {
                names.add(described.getString("column_name"));
            }
        }
        return names;
    }

    private static boolean hasParquet(Path folder) {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (var files = Files.walk(folder)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    public static String duckType(String glueType) {
        return switch (glueType) {
            case "string" -> "VARCHAR";
            case "bigint" -> "BIGINT";
            case "int" -> "INTEGER";
            case "timestamp" -> "TIMESTAMP";
            case "date" -> "DATE";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            default -> throw new IllegalArgumentException("no DuckDB type for Glue type " + glueType);
        };
    }

    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void query(String sql, List<String> stringParameters, RowSink sink) {
        // A new statement per query (DESIGN.md).
        try (var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < stringParameters.size(); i++) {
                statement.setString(i + 1, stringParameters.get(i));
            }
            try (ResultSet results = statement.executeQuery()) {
                var meta = results.getMetaData();
                int count = meta.getColumnCount();
                var columns = new ArrayList<String>(count);
                for (int i = 1; i <= count; i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                sink.columns(List.copyOf(columns));
                while (results.next()) {
                    var row = new ArrayList<Object>(count);
                    for (int i = 1; i <= count; i++) {
                        row.add(normalize(results.getObject(i)));
                    }
                    sink.row(row);
                }
            }
        } catch (SQLException e) {
            throw new ReportFailedException("DuckDB: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code sql} to completion inside DuckDB, keeping the result in a temporary table instead of fetching it,
     * and returns its row count: for benchmarks of the engine without the JDBC row transfer.
     */
    public long materialize(String sql) {
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE TEMP TABLE materialized_report AS " + sql);
            try (var count = statement.executeQuery("SELECT count(*) FROM materialized_report")) {
                count.next();
                return count.getLong(1);
            }
        } catch (SQLException e) {
            throw new ReportFailedException("DuckDB: " + e.getMessage(), e);
        }
    }

    /**
     * The row count and the sum of the rows' hashes of {@code sql}'s result: equal for two results that hold the same
     * rows, in any order (with overwhelming probability otherwise unequal). For checking that two lakes give the same
     * answer without fetching millions of rows.
     */
    public String fingerprint(String sql) {
        try (var statement = connection.createStatement();
             var result = statement.executeQuery("SELECT count(*), CAST(sum(hash(r)) AS VARCHAR) FROM (" + sql + ") r")) {
            result.next();
            return result.getLong(1) + " rows, hash sum " + result.getString(2);
        } catch (SQLException e) {
            throw new ReportFailedException("DuckDB: " + e.getMessage(), e);
        }
    }

    /** The Java values {@link ReportResult} promises, whatever JDBC type DuckDB chose (sums are HUGEINT). */
    static Object normalize(Object value) {
        return switch (value) {
            case null -> null;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger big -> big.bitLength() < 64 ? (Object) big.longValue() : new BigDecimal(big);
            case BigDecimal decimal -> decimal;
            case Double d -> d;
            case Float f -> f.doubleValue();
            case java.sql.Timestamp ts -> TIMESTAMP.format(ts.toLocalDateTime());
            case LocalDateTime ldt -> TIMESTAMP.format(ldt);
            case OffsetDateTime odt -> TIMESTAMP.format(odt.toLocalDateTime());
            default -> value.toString();
        };
    }

    @Override
    public String describe() {
        return "DuckDB over " + lake;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing an in-memory database cannot lose anything
        }
    }
}
