package dev.tally.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.analytics.Dashboard;
import dev.tally.analytics.DashboardPage;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
import dev.tally.cli.DashboardCommand;
import dev.tally.cli.TallyCli;
import dev.tally.cli.UpCommand;
import dev.tally.devstack.DevLake;
import dev.tally.devstack.DevStack;
import example.alerts.AlertsQuery;
import example.alerts.AlertsSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Demo step 13: the data lake holds every event of the table exactly once after de-duplication, its daily totals
 * add up to the table's, and the reconciliation report shows no difference; the dashboard of the same lake draws
 * the same figures and refers to nothing on the network. The claims are
 * {@link PipelineInvariants.LakeContents}', shared with {@code LakeRecoveryTest}.
 */
final class LakeDemo {

    private final DemoChecks checks;

    LakeDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void run(DevStack stack) throws IOException {
        checks.step("[13/14] the data lake (lake writer -> Firehose -> S3, Parquet by event date) and its SQL reports on DuckDB");
        var cacheDir = Files.createTempDirectory("tally-demo-lake-");
        try {
            var lake = checks.waitFor("the lake to reconcile with the events table", Duration.ofSeconds(90), Duration.ofSeconds(1),
                    () -> PipelineInvariants.lake(stack.dynamo(), stack.lake().s3(), DevLake.BUCKET, cacheDir,
                            AlertsSettings.fromEnvironment(stack.exports())),
                    l -> l.reconciles() && l.alertsAgree(),
                    l -> l.reconciledAccounts() + " of " + l.tableAccounts() + " accounts complete in the lake (Firehose buffers for "
                            + LakeDelivery.LOCAL_BUFFER_INTERVAL.toSeconds() + " s); alerts " + l.alertsFound()
                            + ", by SQL " + l.alertsBySql());
            lake.ledger().unreadable().forEach(reason -> System.out.println("          -> left out of the ledger export: " + reason));
            System.out.printf("          -> %d events in the table; the lake stores %d rows, %d distinct events (%d duplicates removed by the SQL)%n",
                    lake.tableEvents(), lake.storedRows(), lake.distinctEvents(), lake.storedRows() - lake.distinctEvents());
            System.out.println();
            System.out.println("          ./tally report daily-totals");
            print(lake.dailyTotals());
            var chart = TallyCli.home().resolve(".tally/demo/daily-totals.png");
            ReportChart.write(Report.DAILY_TOTALS, lake.dailyTotals(), chart);
            System.out.println("          chart: " + chart);
            System.out.println();
            System.out.println("          ./tally report reconciliation");
            print(lake.reconciliation());
            System.out.println();
            System.out.println("          the example subscriber's rule as SQL over the lake (" + AlertsQuery.RESOURCE + ")");
            print(lake.largeWithdrawals());
            checks.check(lake.claims());
            dashboard(cacheDir, lake);
        } finally {
            UpCommand.deleteRecursively(cacheDir);
        }
    }

    /** The dashboard of the same lake copy: written, and checked against the reports it draws. */
    private void dashboard(Path lakeCopy, PipelineInvariants.LakeContents lake) throws IOException {
        var chartJs = DashboardPage.chartJs(TallyCli.home());
        Dashboard dashboard;
        try (var engine = new DuckDbEngine(lakeCopy)) {
            dashboard = Dashboard.run(engine, "s3://" + DevLake.BUCKET + " (the demo stack's lake)", Clock.systemUTC(),
                    Optional.empty());
        }
        var html = DashboardPage.html(dashboard, chartJs);
        var page = DashboardCommand.write(TallyCli.home().resolve(".tally/demo/dashboard"), html);
        System.out.println();
        System.out.println("          the dashboard of this lake (./tally dashboard makes the running stack's)");
        System.out.println("          dashboard: " + page + "   (one HTML page; ./tally up serves the running stack's)");
        var drawn = dailyTotalsDrawn(DashboardPage.embeddedData(html));
        checks.check("the dashboard draws exactly the daily totals rows of the report", drawn.equals(lake.dailyTotals().rows()),
                drawn + " vs " + lake.dailyTotals().rows());
        var references = networkReferences(html, chartJs);
        checks.check("the dashboard refers to nothing on the network (no src, href, url() or @import; no http(s) URL "
                + "outside the inlined Chart.js, whose licence header names its site)", references.isEmpty(), references.toString());
        checks.check("the dashboard shows every account reconciled and the overdraft audit sound, as the reports do",
                html.contains("Every one of the " + lake.tableAccounts() + " accounts reconciles")
                        && html.contains("<p class=\"notice good sound\">Sound:"), "the page's reconciliation and audit sections");
    }

    /**
     * The daily totals rows as the dashboard's charts hold them: one per date and type that has events (events per
     * day), with its amount (amount per day, where a type that moves no money has none).
     */
    private static List<List<Object>> dailyTotalsDrawn(JsonNode data) {
        var events = data.path("charts").path(DashboardPage.DAILY_EVENTS);
        var amounts = new HashMap<String, JsonNode>();
        data.path("charts").path(DashboardPage.DAILY_AMOUNTS).path("datasets")
                .forEach(d -> amounts.put(d.path("label").asText(), d.path("values")));
        var rows = new ArrayList<List<Object>>();
        for (int day = 0; day < events.path("labels").size(); day++) {
            for (var dataset : events.path("datasets")) {
                long count = whole(dataset.path("values").get(day));
                if (count > 0) {
                    var type = dataset.path("label").asText();
                    rows.add(List.of(events.path("labels").get(day).asText(), type, count,
                            amounts.containsKey(type) ? whole(amounts.get(type).get(day)) : 0L));
                }
            }
        }
        return rows;
    }

    /** A whole number of the page's data: a JSON number, or its digits where JavaScript would round it. */
    private static long whole(JsonNode value) {
        return value.isTextual() ? Long.parseLong(value.asText()) : value.asLong();
    }

    /** What in the page would make a browser fetch something, or name a place on the network. */
    private static List<String> networkReferences(String html, String chartJs) {
        var found = new ArrayList<String>();
        // a word boundary before url(: Chart.js calls canvas.toDataURL(), which fetches nothing
        var fetches = Pattern.compile("(?i)\\b(src|href)\\s*=|\\burl\\(|@import").matcher(html);
        while (fetches.find()) {
            found.add(fetches.group());
        }
        // Chart.js's licence header names its web site; that is a credit, not a reference
        var urls = Pattern.compile("(?i)https?://\\S+").matcher(html.replace(chartJs, ""));
        while (urls.find()) {
            found.add(urls.group());
        }
        return found;
    }

    private static void print(ReportResult result) {
        var buffer = new ByteArrayOutputStream();
        var output = ReportOutput.of(ReportOutput.Format.TABLE, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        output.columns(result.columns());
        result.rows().forEach(output::row);
        output.finish();
        buffer.toString(StandardCharsets.UTF_8).lines().forEach(line -> System.out.println("          " + line));
    }
}
