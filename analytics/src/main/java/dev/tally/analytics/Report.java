package dev.tally.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The reports: one plain SQL file each under {@code reports/}, in the portable subset that runs unchanged on
 * Athena engine v3 (Trino) and DuckDB (see DESIGN.md). The same files become the Athena workgroup's named queries.
 */
public enum Report {

    DAILY_TOTALS("daily-totals", "per event date and type: number of events and total amount", true,
            "event_date, type", Chart.BARS_PER_DATE),
    END_OF_DAY_BALANCES("end-of-day-balances", "per account and date it moved: the balance after its last event", true,
            "event_date, account_id", Chart.LINE_PER_ACCOUNT),
    TOP_MOVERS("top-movers", "per event date: the ten accounts whose balance moved most", true,
            "event_date, mover_rank", Chart.BARS_PER_ACCOUNT),
    OVERDRAFT_AUDIT("overdraft-audit", "events where a replayed balance goes below zero or disagrees (empty when sound)",
            true, "account_id, version", Chart.COUNT_PER_VALUE),
    RECONCILIATION("reconciliation", "per account: the lake against the events table (count, last version, balance)",
            false, null, Chart.COUNT_PER_VALUE);

    /** How {@link ReportChart} draws a report. */
    public enum Chart { BARS_PER_DATE, LINE_PER_ACCOUNT, BARS_PER_ACCOUNT, COUNT_PER_VALUE }

    private final String reportName;
    private final String description;
    private final boolean hasEventDate;
    private final String orderBy;
    private final Chart chart;

    Report(String reportName, String description, boolean hasEventDate, String orderBy, Chart chart) {
        this.reportName = reportName;
        this.description = description;
        this.hasEventDate = hasEventDate;
        this.orderBy = orderBy;
        this.chart = chart;
    }

    /** The name on the command line and of the SQL file. */
    public String reportName() {
        return reportName;
    }

    public String description() {
        return description;
    }

    /** Whether the result has an {@code event_date} column, so it can be limited to one date. */
    public boolean hasEventDate() {
        return hasEventDate;
    }

    /** The result's ordering, re-applied when the report is limited to one date. */
    Optional<String> orderBy() {
        return Optional.ofNullable(orderBy);
    }

    public Chart chart() {
        return chart;
    }

    /** Whether it reads the {@code ledger_accounts} export, which must be fresh before it runs. */
    public boolean needsLedgerExport() {
        return this == RECONCILIATION;
    }

    public String resourcePath() {
        return "reports/" + reportName + ".sql";
    }

    /** The SQL file's text, exactly as stored. */
    public String sql() {
        return resource(resourcePath());
    }

    public static Optional<Report> named(String name) {
        return Arrays.stream(values()).filter(r -> r.reportName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Report::reportName).toList();
    }

    static String resource(String path) {
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
