package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.standins.glue.GlueTable;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * One JSON record fitted to a Glue table's columns, the way Firehose's OpenX JSON deserializer reads it before
 * the Parquet serializer writes it: field names match columns case-insensitively, unknown fields are ignored,
 * a missing field is null, and a value that cannot be the column's type fails the record.
 */
final class ParquetRow {

    /** Timestamps Firehose accepts from JSON: {@code yyyy-MM-dd HH:mm:ss[.fraction]}, or epoch milliseconds. */
    private static final DateTimeFormatter TIMESTAMP_IN = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter TIMESTAMP_OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private ParquetRow() {
    }

    /** @throws IllegalArgumentException naming the column and the value when the record does not fit */
    static ObjectNode convert(ObjectMapper json, byte[] data, List<GlueTable.Column> columns) {
        JsonNode record;
        try {
            record = json.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("record is not JSON: " + e.getMessage());
        }
        if (record == null || !record.isObject()) {
            throw new IllegalArgumentException("record is not a JSON object");
        }
        var fields = new HashMap<String, JsonNode>();
        record.properties().forEach(e -> fields.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        var row = json.createObjectNode();
        for (var column : columns) {
            var value = fields.get(column.name().toLowerCase(Locale.ROOT));
            if (value == null || value.isNull()) {
                row.putNull(column.name());
                continue;
            }
            try {
                switch (column.type()) {
                    case "string" -> {
                        requireScalar(value);
                        row.put(column.name(), value.asText());
                    }
                    case "bigint", "int" -> row.put(column.name(), integral(value, column.type().equals("int")));
                    case "double" -> {
                        if (!value.isNumber()) {
                            throw new IllegalArgumentException("not a number");
                        }
                        row.put(column.name(), value.doubleValue());
                    }
                    case "boolean" -> {
                        if (!value.isBoolean()) {
                            throw new IllegalArgumentException("not a boolean");
                        }
                        row.put(column.name(), value.booleanValue());
                    }
                    case "timestamp" -> row.put(column.name(), timestamp(value));
                    case "date" -> row.put(column.name(), LocalDate.parse(value.asText()).toString());
                    default -> throw new IllegalArgumentException("column type " + column.type() + " is not supported here");
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IllegalArgumentException("column " + column.name() + " (" + column.type() + "): value "
                        + value + " does not fit: " + e.getMessage());
            }
        }
        return row;
    }

    private static void requireScalar(JsonNode value) {
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("not a scalar");
        }
    }

    private static long integral(JsonNode value, boolean int32) {
        long result;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            result = value.longValue();
        } else if (value.isTextual()) {
            result = Long.parseLong(value.asText().strip());
        } else {
            throw new IllegalArgumentException("not an integer");
        }
        if (int32 && (result < Integer.MIN_VALUE || result > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("out of range for int");
        }
        return result;
    }

    private static String timestamp(JsonNode value) {
        if (value.isIntegralNumber()) {
            return TIMESTAMP_OUT.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(value.longValue()), ZoneOffset.UTC));
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("not a timestamp");
        }
        return TIMESTAMP_OUT.format(LocalDateTime.parse(value.asText(), TIMESTAMP_IN));
    }
}
