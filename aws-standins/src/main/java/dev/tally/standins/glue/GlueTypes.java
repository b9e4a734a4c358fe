package dev.tally.standins.glue;

/**
 * Glue (Hive) column types as DuckDB types, for the stand-ins that read or write a table's data with DuckDB.
 * This copy is the stand-ins' own on purpose: the code under test must not share its type mapping with the
 * stand-in that checks it.
 */
public final class GlueTypes {

    private GlueTypes() {
    }

    /** @throws IllegalArgumentException for a type the stand-ins do not support */
    public static String duckDbType(String glueType) {
        return switch (glueType) {
            case "string" -> "VARCHAR";
            case "bigint" -> "BIGINT";
            case "int" -> "INTEGER";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "timestamp" -> "TIMESTAMP";
            case "date" -> "DATE";
            default -> throw new IllegalArgumentException("the stand-ins do not support the Glue type " + glueType);
        };
    }

    /** A SQL string literal. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
