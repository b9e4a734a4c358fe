package dev.tally.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes a report's rows as they stream in: {@code table} (aligned columns; it keeps the rows to measure their
 * widths), {@code csv} (RFC 4180) or {@code json} (an array of objects keyed by the SQL's column names, numbers as
 * JSON numbers).
 */
public abstract sealed class ReportOutput implements ReportEngine.RowSink {

    public enum Format { TABLE, CSV, JSON }

    protected final PrintStream out;
    protected List<String> columns = List.of();
    private long rows;

    private ReportOutput(PrintStream out) {
        this.out = out;
    }

    public static ReportOutput of(Format format, PrintStream out) {
        return switch (format) {
            case TABLE -> new Table(out);
            case CSV -> new Csv(out);
            case JSON -> new Json(out);
        };
    }

    public static Format format(String name) {
        try {
            return Format.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be table, csv or json, was " + name);
        }
    }

    @Override
    public void columns(List<String> names) {
        columns = names;
        begin();
    }

    @Override
    public void row(List<Object> values) {
        rows++;
        write(values);
    }

    /** Completes the output (closing brackets, the table itself); returns the number of rows. */
    public long finish() {
        end();
        out.flush();
        return rows;
    }

    protected abstract void begin();

    protected abstract void write(List<Object> values);

    protected abstract void end();

    static String text(Object value) {
        return switch (value) {
            case null -> "";
            case BigDecimal d -> d.toPlainString();
            default -> value.toString();
        };
    }

    private static final class Table extends ReportOutput {
        private final List<List<String>> kept = new ArrayList<>();

        Table(PrintStream out) {
            super(out);
        }

        @Override
        protected void begin() {
        }

        @Override
        protected void write(List<Object> values) {
            kept.add(values.stream().map(ReportOutput::text).toList());
        }

        @Override
        protected void end() {
            var widths = new int[columns.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = columns.get(i).length();
                for (var row : kept) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            line(columns, widths);
            var rule = new ArrayList<String>();
            for (int width : widths) {
                rule.add("-".repeat(width));
            }
            line(rule, widths);
            kept.forEach(row -> line(row, widths));
            out.println("(" + kept.size() + " rows)");
        }

        private void line(List<String> cells, int[] widths) {
            var line = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    line.append("  ");
                }
                line.append(String.format("%-" + Math.max(1, widths[i]) + "s", cells.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static final class Csv extends ReportOutput {
        Csv(PrintStream out) {
            super(out);
        }

        @Override
        protected void begin() {
            out.print(String.join(",", columns.stream().map(Csv::cell).toList()) + "\r\n");
        }

        @Override
        protected void write(List<Object> values) {
            out.print(String.join(",", values.stream().map(v -> cell(text(v))).toList()) + "\r\n");
        }

        @Override
        protected void end() {
        }

        private static String cell(String text) {
            return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                    ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
        }
    }

    private static final class Json extends ReportOutput {
        private final JsonGenerator json;

        Json(PrintStream out) {
            super(out);
            try {
                json = new ObjectMapper().getFactory().createGenerator(out).useDefaultPrettyPrinter();
                json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void begin() {
            try {
                json.writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void write(List<Object> values) {
            try {
                json.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    json.writeFieldName(columns.get(i));
                    switch (values.get(i)) {
                        case null -> json.writeNull();
                        case Long l -> json.writeNumber(l);
                        case BigDecimal d -> json.writeNumber(d);
                        case Double d -> json.writeNumber(d);
                        case Object other -> json.writeString(Objects.toString(other));
                    }
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void end() {
            try {
                if (columns.isEmpty() && json.getOutputContext().inRoot()) {
                    json.writeStartArray();
                }
                json.writeEndArray();
                json.flush();
                out.println();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
