package dev.tally.analytics;

import java.util.List;

/** Where report SQL runs: Athena in AWS, DuckDB on this machine. */
public interface ReportEngine extends AutoCloseable {

    /** Receives a result as it is read: the column names once, then each row. Rows are not kept by the engine. */
    interface RowSink {
        void columns(List<String> names);

        void row(List<Object> values);

        /** A sink passing everything to each of {@code sinks}, in order. */
        static RowSink tee(RowSink... sinks) {
            return new RowSink() {
                @Override
                public void columns(List<String> names) {
                    for (var sink : sinks) {
                        sink.columns(names);
                    }
                }

                @Override
                public void row(List<Object> values) {
                    for (var sink : sinks) {
                        sink.row(values);
                    }
                }
            };
        }
    }

    /**
     * Runs {@code sql}, binding each {@code ?} in order to one of {@code stringParameters} as a string literal, and
     * streams the result into {@code sink}. Values are normalised as {@link ReportResult} describes.
     *
     * @throws ReportFailedException naming the engine's reason when the query fails
     */
    void query(String sql, List<String> stringParameters, RowSink sink);

    /** Runs {@code sql} and keeps the whole result in memory. */
    default ReportResult query(String sql, List<String> stringParameters) {
        var collector = new ReportResult.Collector();
        query(sql, stringParameters, collector);
        return collector.result();
    }

    /** A short name for progress lines: "DuckDB over ...", "Athena (workgroup ...)". */
    String describe();

    @Override
    void close();
}
