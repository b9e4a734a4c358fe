package dev.tally.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A report: one plain SQL file under {@code reports/}, in the portable subset that runs unchanged on Athena engine v3
 * (Trino) and DuckDB (see DESIGN.md and {@link PortableSql}). The same files become the Athena workgroup's named
 * queries. Tally's own reports are the constants here; an analyst's saved queries ({@link SavedQueries}) are reports
 * too, without a chart or a date filter.
 */
public final class Report {

    public static final Report DAILY_TOTALS = new Report("daily-totals",
            "per event date and type: number of events and total amount", true, "event_date, type", Chart.BARS_PER_DATE);
    public static final Report END_OF_DAY_BALANCES = new Report("end-of-day-balances",
            "per account and date it moved: the balance after its last event", true, "event_date, account_id",
            Chart.LINE_PER_ACCOUNT);
    public static final Report TOP_MOVERS = new Report("top-movers",
            "per event date: the ten accounts whose balance moved most", true, "event_date, mover_rank", Chart.BARS_PER_ACCOUNT);
    public static final Report OVERDRAFT_AUDIT = new Report("overdraft-audit",
            "events where a replayed balance goes below zero or disagrees (empty when sound)", true, "account_id, version",
            Chart.COUNT_PER_VALUE);
    public static final Report RECONCILIATION = new Report("reconciliation",
            "per account: the lake against the events table (count, last version, balance)", false, null,
            Chart.COUNT_PER_VALUE);

    private static final List<Report> BUILT_IN = List.of(DAILY_TOTALS, END_OF_DAY_BALANCES, TOP_MOVERS, OVERDRAFT_AUDIT,
            RECONCILIATION);

    /** How {@link ReportChart} draws a report. */
    public enum Chart { BARS_PER_DATE, LINE_PER_ACCOUNT, BARS_PER_ACCOUNT, COUNT_PER_VALUE }

    private final String reportName;
    private final String description;
    private final boolean hasEventDate;
    private final String orderBy;
    private final Chart chart;
    private final String savedSql;

    private Report(String reportName, String description, boolean hasEventDate, String orderBy, Chart chart) {
        this.reportName = reportName;
        this.description = description;
        this.hasEventDate = hasEventDate;
        this.orderBy = orderBy;
        this.chart = chart;
        this.savedSql = null;
    }

    /** A saved query: its name, the first line of its comment header, and its file's text. */
    Report(String reportName, String description, String sql) {
        this.reportName = reportName;
        this.description = description;
        this.hasEventDate = false;
        this.orderBy = null;
        this.chart = null;
        this.savedSql = sql;
    }

    /** Tally's own reports, in the order they are listed. */
    public static List<Report> builtIn() {
        return BUILT_IN;
    }

    /** Tally's reports and the saved queries shipped with this build (on the classpath): what the CDK app installs. */
    public static List<Report> all() {
        return withSaved(SavedQueries.onClasspath());
    }

    /** Tally's reports followed by {@code saved}. */
    public static List<Report> withSaved(List<Report> saved) {
        var all = new java.util.ArrayList<>(BUILT_IN);
        all.addAll(saved);
        return List.copyOf(all);
    }

    /** The name on the command line and of the SQL file. */
    public String reportName() {
        return reportName;
    }

    public String description() {
        return description;
    }

    /** Whether this is an analyst's saved query rather than one of Tally's reports. */
    public boolean saved() {
        return savedSql != null;
    }

    /** Whether the result has an {@code event_date} column, so it can be limited to one date. */
    public boolean hasEventDate() {
        return hasEventDate;
    }

    /** The result's ordering, re-applied when the report is limited to one date. */
    Optional<String> orderBy() {
        return Optional.ofNullable(orderBy);
    }

    /** How it is drawn; saved queries have no chart. */
    public Optional<Chart> chart() {
        return Optional.ofNullable(chart);
    }

    /** Whether it reads the {@code ledger_accounts} export, which must be fresh before it runs. */
    public boolean needsLedgerExport() {
        return this == RECONCILIATION
                || saved() && AdHocQuery.of(savedSql).reads(LakeTable.LEDGER_ACCOUNTS);
    }

    /** The SQL file's text, exactly as stored. */
    public String sql() {
        return saved() ? savedSql : resource("reports/" + reportName + ".sql");
    }

    /** The report named {@code name} among {@code reports}. */
    public static Optional<Report> named(String name, List<Report> reports) {
        return reports.stream().filter(r -> r.reportName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return reportName;
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
