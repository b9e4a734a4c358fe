package dev.tally.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * A report's answer: column names as the SQL names them, and rows of values. Values are {@code Long} for integer
 * columns, {@code BigDecimal} for decimals, {@code Double} for floating point, {@code String} for everything else
 * (dates and timestamps as their SQL text), or null; both engines produce the same Java values for the same data.
 */
public record ReportResult(List<String> columns, List<List<Object>> rows) {

    public ReportResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    public int column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + columns);
        }
        return index;
    }

    /** Keeps a streamed result in memory. */
    public static final class Collector implements ReportEngine.RowSink {
        private List<String> columns = List.of();
        private final List<List<Object>> rows = new ArrayList<>();

        @Override
        public void columns(List<String> names) {
            columns = names;
        }

        @Override
        public void row(List<Object> values) {
            rows.add(values);
        }

        public ReportResult result() {
            return new ReportResult(columns, rows);
        }
    }
}
