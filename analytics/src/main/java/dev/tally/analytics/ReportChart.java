package dev.tally.analytics;

import dev.tally.domain.EventType;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.stream.Collectors;

/**
 * Draws a report as a PNG: daily totals as grouped bars per date, end-of-day balances as one line per account
 * (the most active ones), top movers as bars of net change, and the audits as the number of rows per status or
 * problem. Amounts are drawn in major units (minor units / 100). Runs headless.
 */
public final class ReportChart {

    static final int WIDTH = 1200;
    static final int HEIGHT = 700;
    /** Lines beyond this many accounts make a chart unreadable. */
    static final int MAX_ACCOUNTS = 8;

    private ReportChart() {
    }

    public static void write(Report report, ReportResult result, Path png) {
        System.setProperty("java.awt.headless", "true");
        var kind = report.chart().orElseThrow(() -> new IllegalArgumentException(
                report.reportName() + " is a saved query; saved queries have no chart"));
        var chart = switch (kind) {
            case BARS_PER_DATE -> barsPerDate(report, result);
            case LINE_PER_ACCOUNT -> linePerAccount(report, result);
            case BARS_PER_ACCOUNT -> barsPerAccount(report, result);
            case COUNT_PER_VALUE -> countPerValue(report, result);
        };
        style(chart);
        try {
            var parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart to " + png, e);
        }
    }

    /** Bars per type on a time axis: a year of dates keeps readable tick labels, a single day still shows. */
    private static JFreeChart barsPerDate(Report report, ReportResult result) {
        int date = result.column(LakeTable.EVENT_DATE);
        int type = result.column(LakeTable.TYPE);
        int total = result.column("total_amount");
        var series = new LinkedHashMap<String, TimeSeries>();
        for (var row : result.rows()) {
            // openings move no money: a bar of zero would only take room
            if (!EventType.ACCOUNT_CREATED.typeName().equals(row.get(type))) {
                series.computeIfAbsent((String) row.get(type), TimeSeries::new)
                        .addOrUpdate(day((String) row.get(date)), major(row.get(total)));
            }
        }
        var data = new TimeSeriesCollection(UTC);
        series.values().forEach(data::addSeries);
        var chart = ChartFactory.createXYBarChart(title(report, result), "event date (UTC)", true,
                "total amount (major units)", data, PlotOrientation.VERTICAL, true, false, false);
        var renderer = new ClusteredXYBarRenderer(0.1, false);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }

    /** A balance history per account (the most active ones) on a time axis. */
    private static JFreeChart linePerAccount(Report report, ReportResult result) {
        int date = result.column(LakeTable.EVENT_DATE);
        int account = result.column(LakeTable.ACCOUNT_ID);
        int balance = result.column("balance");
        var rowsPerAccount = result.rows().stream()
                .collect(Collectors.groupingBy(r -> (String) r.get(account), Collectors.counting()));
        var shown = rowsPerAccount.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ACCOUNTS).map(Map.Entry::getKey).collect(Collectors.toSet());
        var series = new LinkedHashMap<String, TimeSeries>();
        for (var row : result.rows()) {
            var id = (String) row.get(account);
            if (shown.contains(id)) {
                series.computeIfAbsent(id, a -> new TimeSeries(shortId(a)))
                        .addOrUpdate(day((String) row.get(date)), major(row.get(balance)));
            }
        }
        var data = new TimeSeriesCollection(UTC);
        series.values().forEach(data::addSeries);
        var title = title(report, result) + (rowsPerAccount.size() > MAX_ACCOUNTS
                ? " (the " + MAX_ACCOUNTS + " most active of " + rowsPerAccount.size() + " accounts)" : "");
        var chart = ChartFactory.createTimeSeriesChart(title, "event date (UTC)", "balance (major units)", data,
                true, false, false);
        var renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDefaultStroke(new BasicStroke(2f));
        chart.getXYPlot().setRenderer(renderer);
        return chart;
    }

    private static JFreeChart barsPerAccount(Report report, ReportResult result) {
        int date = result.column(LakeTable.EVENT_DATE);
        int account = result.column(LakeTable.ACCOUNT_ID);
        int net = result.column("net_change");
        // the latest date shown: one date's movers fit a chart, a year's do not
        var latest = result.rows().stream().map(r -> (String) r.get(date)).max(Comparator.naturalOrder()).orElse("");
        var data = new DefaultCategoryDataset();
        for (var row : result.rows()) {
            if (latest.equals(row.get(date))) {
                data.addValue(major(row.get(net)), "net change", shortId((String) row.get(account)));
            }
        }
        return ChartFactory.createBarChart(report.reportName() + " on " + latest, "account", "net change (major units)", data,
                PlotOrientation.HORIZONTAL, false, false, false);
    }

    private static JFreeChart countPerValue(Report report, ReportResult result) {
        var column = report == Report.RECONCILIATION ? "status" : "problem";
        int index = result.column(column);
        var counts = new LinkedHashMap<String, Integer>();
        result.rows().forEach(r -> counts.merge(Objects.toString(r.get(index)), 1, Integer::sum));
        var data = new DefaultCategoryDataset();
        counts.forEach((value, count) -> data.addValue(count, "rows", value));
        if (counts.isEmpty()) {
            data.addValue(0, "rows", "no rows: nothing to report");
        }
        return ChartFactory.createBarChart(title(report, result), column, "rows", data, PlotOrientation.VERTICAL,
                false, false, false);
    }

    /** White background and light grid lines; flat bars. */
    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        switch (chart.getPlot()) {
            case CategoryPlot plot -> {
                plot.setBackgroundPaint(Color.WHITE);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                if (plot.getRenderer() instanceof BarRenderer bars) {
                    bars.setBarPainter(new StandardBarPainter());
                    bars.setShadowVisible(false);
                }
            }
            case XYPlot plot -> {
                plot.setBackgroundPaint(Color.WHITE);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            }
            default -> {
            }
        }
    }

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private static Day day(String isoDate) {
        var date = LocalDate.parse(isoDate);
        return new Day(date.getDayOfMonth(), date.getMonthValue(), date.getYear());
    }

    private static String title(Report report, ReportResult result) {
        return report.reportName() + " (" + result.rows().size() + " rows)";
    }

    /** Minor units as a major-unit number for the axis; exact for any amount a chart can show. */
    static double major(Object minorUnits) {
        if (minorUnits == null) {
            return 0;
        }
        var value = minorUnits instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) minorUnits).longValue());
        return value.movePointLeft(2).doubleValue();
    }

    private static String shortId(String accountId) {
        return accountId.length() > 8 ? accountId.substring(0, 8) : accountId;
    }
}
