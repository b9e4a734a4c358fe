package dev.tally.local;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.domain.AccountEvent;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.UnreadableEventException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Demo step 10: the data lake holds every event of the table exactly once after de-duplication, its daily totals
 * add up to the table's, and the reconciliation report shows no difference.
 */
final class LakeDemo {

    private final DemoChecks checks;

    LakeDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void run(LocalStack stack) throws IOException {
        checks.step("[10/10] the data lake (lake writer -> Firehose -> S3, Parquet by event date) and its SQL reports on DuckDB");
        var cacheDir = Files.createTempDirectory("tally-demo-lake-");
        try {
            var s3 = stack.lake().s3();
            var cache = new LakeCache(s3, LocalLake.BUCKET, cacheDir);
            var deadline = Instant.now().plusSeconds(90);
            LedgerExport.Summary summary;
            ReportResult reconciliation;
            long ok;
            while (true) {
                summary = LedgerExport.export(stack.dynamo(), EventTable.DEFAULT_NAME, s3, LocalLake.BUCKET);
                cache.sync();
                try (var engine = new DuckDbEngine(cacheDir)) {
                    reconciliation = new ReportRunner(engine).run(Report.RECONCILIATION, Optional.empty());
                }
                int status = reconciliation.column("status");
                ok = reconciliation.rows().stream().filter(r -> "ok".equals(r.get(status))).count();
                if ((ok == summary.accounts().size() && reconciliation.rows().size() == ok)
                        || Instant.now().isAfter(deadline)) {
                    break;
                }
                checks.step("          waiting: " + ok + " of " + summary.accounts().size()
                        + " accounts complete in the lake (Firehose buffers for " + LakeDelivery.LOCAL_BUFFER_INTERVAL.toSeconds() + " s)");
                DemoChecks.sleep(1000);
            }
            summary.unreadable().forEach(reason -> System.out.println("          -> left out of the ledger export: " + reason));
            long tableEvents = summary.accounts().values().stream().mapToLong(LedgerExport.Account::eventCount).sum();
            try (var engine = new DuckDbEngine(cacheDir)) {
                var counts = engine.query("SELECT count(*) AS stored, count(DISTINCT event_id) AS distinct_events FROM "
                        + LakeTable.EVENTS, List.of()).rows().getFirst();
                long stored = (Long) counts.get(0);
                long distinct = (Long) counts.get(1);
                System.out.printf("          -> %d events in the table; the lake stores %d rows, %d distinct events (%d duplicates removed by the SQL)%n",
                        tableEvents, stored, distinct, stored - distinct);
                checks.check("the lake holds every event of the table exactly once after de-duplication", distinct == tableEvents,
                        distinct + " distinct events in the lake, " + tableEvents + " in the table");

                var daily = new ReportRunner(engine).run(Report.DAILY_TOTALS, Optional.empty());
                System.out.println();
                System.out.println("          ./tally report daily-totals");
                print(daily);
                var expected = totalsPerType(stack);
                var actual = new TreeMap<String, Long>();
                int type = daily.column("type");
                int total = daily.column("total_amount");
                daily.rows().forEach(r -> actual.merge((String) r.get(type), (Long) r.get(total), Math::addExact));
                checks.check("daily totals per type equal the sums of the events table", expected.equals(actual),
                        actual + " vs " + expected);
                var chart = TallyCli.home().resolve(".tally/demo/daily-totals.png");
                ReportChart.write(Report.DAILY_TOTALS, daily, chart);
                System.out.println("          chart: " + chart);
            }
            System.out.println();
            System.out.println("          ./tally report reconciliation");
            print(reconciliation);
            checks.check("the reconciliation shows zero differences between the lake and the events table",
                    ok == summary.accounts().size() && reconciliation.rows().size() == ok,
                    (reconciliation.rows().size() - ok) + " accounts differ");
        } finally {
            UpCommand.deleteRecursively(cacheDir);
        }
    }

    /** Amounts per event type in the events table, in minor units: what the lake's daily totals must add up to. */
    private static Map<String, Long> totalsPerType(LocalStack stack) {
        var totals = new TreeMap<String, Long>();
        for (var item : stack.dynamo().scanPaginator(b -> b.tableName(EventTable.DEFAULT_NAME)).items()) {
            if (!EventItemCodec.isEvent(item)) {
                continue;
            }
            try {
                var lakeRow = EventItemCodec.decode(item);
                long amount = switch (lakeRow.event()) {
                    case AccountEvent.AccountCreated created -> 0;
                    case AccountEvent.BalanceCredited credited -> credited.amount().minorUnits();
                    case AccountEvent.BalanceWithdrawn withdrawn -> withdrawn.amount().minorUnits();
                };
                totals.merge(EventItemCodec.typeName(lakeRow.event()), amount, Math::addExact);
            } catch (UnreadableEventException skipped) {
                // the corrupt item of step 8: it is in the dead-letter store, not in the lake
            }
        }
        return totals;
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
