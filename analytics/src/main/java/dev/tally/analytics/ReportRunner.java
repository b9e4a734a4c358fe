package dev.tally.analytics;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Runs a report's SQL file on an engine, optionally limited to one event date. */
public final class ReportRunner {

    private final ReportEngine engine;

    public ReportRunner(ReportEngine engine) {
        this.engine = engine;
    }

    /**
     * @param date limits the result to one event date; the SQL file itself stays unchanged (it is wrapped in a
     *             portable {@code SELECT * FROM (...) WHERE event_date = ?}, which both engines push down)
     * @throws IllegalArgumentException if a date is given for a report without an event date
     */
    public ReportResult run(Report report, Optional<LocalDate> date) {
        var collector = new ReportResult.Collector();
        run(report, date, collector);
        return collector.result();
    }

    /** Like {@link #run(Report, Optional)}, streaming the rows into {@code sink}: for results too big to keep. */
    public void run(Report report, Optional<LocalDate> date, ReportEngine.RowSink sink) {
        if (date.isEmpty()) {
            engine.query(report.sql(), List.of(), sink);
            return;
        }
        if (!report.hasEventDate()) {
            throw new IllegalArgumentException("report " + report.reportName() + " has no event_date column; "
                    + "it cannot be limited to a date (drop --date)");
        }
        var sql = "SELECT * FROM (\n" + withoutTrailingSemicolon(report.sql()) + "\n) report\nWHERE report."
                + LakeTable.EVENT_DATE + " = ?" + report.orderBy().map(o -> "\nORDER BY " + o).orElse("");
        engine.query(sql, List.of(date.get().toString()), sink);
    }

    private static String withoutTrailingSemicolon(String sql) {
        var trimmed = sql.strip();
        return trimmed.endsWith(";") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
