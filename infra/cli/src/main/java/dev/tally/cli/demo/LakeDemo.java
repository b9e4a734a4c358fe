package dev.tally.cli.demo;

import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
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
import java.time.Duration;

/**
 * Demo step 13: the data lake holds every event of the table exactly once after de-duplication, its daily totals
 * add up to the table's, and the reconciliation report shows no difference. The claims are
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
        } finally {
            UpCommand.deleteRecursively(cacheDir);
        }
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
