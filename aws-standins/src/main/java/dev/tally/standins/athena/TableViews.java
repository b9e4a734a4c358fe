package dev.tally.standins.athena;

import dev.tally.standins.glue.GlueTable;
import dev.tally.standins.glue.GlueTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One query's DuckDB: each Glue table of the database as a view over the Parquet objects under its location (in a
 * local copy of the bucket), partition keys read from the Hive-style folder names, then the query, with the
 * answer as Athena gives it: every value as text, and Athena's type name for each column.
 */
final class TableViews {

    /** A column of a result, with its Athena (Trino) type name. */
    record ResultColumn(String name, String type) {
    }

    record Result(List<ResultColumn> columns, List<List<String>> rows) {
    }

    /** Athena renders timestamps with milliseconds. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private TableViews() {
    }

    /**
     * @param mirror a folder holding a copy of the tables' bucket: {@code s3://bucket/events/} is {@code mirror/events/}
     * @throws SQLException with DuckDB's message when the query does not run
     */
    static Result query(List<GlueTable> tables, Path mirror, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            try (var statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                for (var table : tables) {
                    statement.execute("CREATE VIEW " + table.name() + " AS " + source(connection, table, mirror.resolve(table.prefix())));
                }
            }
            try (var statement = connection.createStatement(); var results = statement.executeQuery(sql)) {
                var meta = results.getMetaData();
                var duckDbNames = new ArrayList<String>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    duckDbNames.add(meta.getColumnLabel(i));
                }
                var names = TrinoColumnNames.of(connection, sql, duckDbNames);
                var columns = new ArrayList<ResultColumn>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new ResultColumn(names.get(i - 1), athenaType(meta.getColumnType(i), meta.getColumnTypeName(i))));
                }
                var rows = new ArrayList<List<String>>();
                while (results.next()) {
                    var row = new ArrayList<String>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(text(results.getObject(i)));
                    }
                    rows.add(row);
                }
                return new Result(columns, rows);
            }
        }
    }

    /** The table's objects, or an empty relation of its shape while there are none (Athena answers no rows). */
    private static String source(Connection connection, GlueTable table, Path folder) throws SQLException {
        var all = Stream.concat(table.columns().stream(), table.partitionKeys().stream()).toList();
        if (!hasParquet(folder)) {
            return "SELECT " + all.stream().map(c -> "CAST(NULL AS " + GlueTypes.duckDbType(c.type()) + ") AS " + c.name())
                    .collect(Collectors.joining(", ")) + " WHERE false";
        }
        String from;
        if (table.partitionKeys().isEmpty()) {
            from = "read_parquet(" + GlueTypes.literal(folder + "/*.parquet") + ", union_by_name = true)";
        } else {
            var depth = "/*".repeat(table.partitionKeys().size());
            var types = table.partitionKeys().stream()
                    .map(k -> "'" + k.name() + "': " + GlueTypes.duckDbType(k.type()))
                    .collect(Collectors.joining(", "));
            from = "read_parquet(" + GlueTypes.literal(folder + depth + "/*.parquet")
                    + ", hive_partitioning = true, hive_types = {" + types + "}, union_by_name = true)";
        }
        // Athena reads Parquet columns by name: a table column that an object lacks (added to the table after the
        // object was written) reads as null, even when no object has it yet.
        var present = columnNames(connection, from);
        var names = all.stream().map(c -> present.contains(c.name()) ? c.name()
                : "CAST(NULL AS " + GlueTypes.duckDbType(c.type()) + ") AS " + c.name()).collect(Collectors.joining(", "));
        return "SELECT " + names + " FROM " + from;
    }

    private static java.util.Set<String> columnNames(Connection connection, String from) throws SQLException {
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

    /** Trino's name for the type of a DuckDB result column; a sum of bigints is a bigint in Trino. */
    private static String athenaType(int jdbcType, String duckType) {
        var name = duckType.toUpperCase(Locale.ROOT);
        if (name.equals("HUGEINT") || name.equals("UBIGINT")) {
            return "bigint";
        }
        return switch (jdbcType) {
            case Types.BIGINT -> "bigint";
            case Types.INTEGER -> "integer";
            case Types.SMALLINT -> "smallint";
            case Types.TINYINT -> "tinyint";
            case Types.DECIMAL, Types.NUMERIC -> "decimal";
            case Types.DOUBLE -> "double";
            case Types.FLOAT, Types.REAL -> "real";
            case Types.BOOLEAN -> "boolean";
            case Types.DATE -> "date";
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamp";
            default -> "varchar";
        };
    }

    private static String text(Object value) {
        return switch (value) {
            case null -> null;
            case BigDecimal d -> d.toPlainString();
            case java.sql.Timestamp ts -> TIMESTAMP.format(ts.toLocalDateTime());
            case LocalDateTime ldt -> TIMESTAMP.format(ldt);
            case java.time.OffsetDateTime odt -> TIMESTAMP.format(odt.toLocalDateTime());
            default -> value.toString();
        };
    }
}
