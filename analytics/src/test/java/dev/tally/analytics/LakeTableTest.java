package dev.tally.analytics;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Athena DDL files declare exactly the columns the code writes and reads. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeTableTest {

    private static final Pattern COLUMN = Pattern.compile("^\\s+([a-z_]+)\\s+([a-z]+),?\\s*$");

    @Test
    void the_lake_events_ddl_matches_the_lake_rows() {
        var ddl = Report.resource("athena/lake_events.sql");
        assertThat(columns(ddl)).containsExactlyElementsOf(LakeTable.EVENT_COLUMNS);
        assertThat(ddl).contains("PARTITIONED BY (event_date string)")
                .contains("STORED AS PARQUET")
                .contains("'storage.location.template' = 's3://${LAKE_BUCKET}/events/event_date=${event_date}/'")
                .contains("LOCATION 's3://${LAKE_BUCKET}/" + LakeTable.EVENTS_PREFIX + "'");
        LakeTable.EVENT_DATE_PROJECTION.forEach((name, value) ->
                assertThat(ddl).contains("'" + name + "' = '" + value + "'"));
        assertThat(LakeDelivery.PREFIX).isEqualTo("events/event_date=!{partitionKeyFromQuery:event_date}/");
    }

    @Test
    void the_lake_compacted_ddl_declares_the_lake_rows_under_their_own_prefix() {
        var ddl = Report.resource("athena/lake_compacted.sql");
        assertThat(columns(ddl)).containsExactlyElementsOf(LakeTable.EVENT_COLUMNS);
        assertThat(ddl).contains("CREATE EXTERNAL TABLE IF NOT EXISTS " + LakeTable.COMPACTED + " (")
                .contains("PARTITIONED BY (event_date string)")
                .contains("'storage.location.template' = 's3://${LAKE_BUCKET}/compacted/event_date=${event_date}/'")
                .contains("LOCATION 's3://${LAKE_BUCKET}/" + LakeTable.COMPACTED_PREFIX + "'");
        LakeTable.EVENT_DATE_PROJECTION.forEach((name, value) ->
                assertThat(ddl).contains("'" + name + "' = '" + value + "'"));
        assertThat(LakeCompaction.compactedKey(java.time.LocalDate.parse("2026-03-01")))
                .isEqualTo("compacted/event_date=2026-03-01/events.parquet");
    }

    @Test
    void objects_written_before_the_actor_columns_existed_read_them_as_null(@org.junit.jupiter.api.io.TempDir java.nio.file.Path lake) {
        var account = "0a000000-0000-4000-8000-000000000009";
        TestLake.write(lake, List.of(TestLake.opened(account, "2026-03-01T10:00:00Z")));
        var engine = new DuckDbEngine(lake);
        var before = new ReportResult.Collector();
        engine.query("SELECT version, actor_subject, request_id FROM lake_events", List.of(), before);
        engine.close();
        var credit = TestLake.credit(account, 2, 100, 100, "2026-03-01T11:00:00Z");
        TestLake.writeCurrent(lake, List.of(new LakeRow(credit.eventId(), account, 2, credit.type(), 100, 100,
                credit.occurredAt(), "https://id.example.com/", "alice", "req-2", null, null, null, null, null)));
        var mixed = new ReportResult.Collector();
        try (var reopened = new DuckDbEngine(lake)) {
            reopened.query("SELECT version, actor_subject, request_id FROM lake_events ORDER BY version", List.of(), mixed);
        }

        assertThat(before.result().rows()).containsExactly(java.util.Arrays.asList(1L, null, null));
        assertThat(mixed.result().rows()).containsExactly(java.util.Arrays.asList(1L, null, null), List.of(2L, "alice", "req-2"));
    }

    @Test
    void the_ledger_accounts_ddl_matches_the_export() {
        var ddl = Report.resource("athena/ledger_accounts.sql");
        assertThat(columns(ddl)).containsExactlyElementsOf(LakeTable.LEDGER_COLUMNS);
        assertThat(LedgerExport.OBJECT_KEY).startsWith(LakeTable.LEDGER_PREFIX);
    }

    @Test
    void a_lake_row_has_every_column_of_the_table_and_its_partition_key() throws Exception {
        var row = TestLake.credit("0a000000-0000-4000-8000-000000000001", 2, 1, 1, "2026-03-01T00:00:00Z").toJsonLine();
        var fields = new ArrayList<String>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(row).fieldNames().forEachRemaining(fields::add);
        var expected = new ArrayList<>(LakeTable.EVENT_COLUMNS.stream().map(LakeTable.Column::name).toList());
        expected.add(LakeTable.EVENT_DATE);
        assertThat(fields).containsExactlyElementsOf(expected);
    }

    private static List<LakeTable.Column> columns(String ddl) {
        var create = ddl.substring(ddl.indexOf("CREATE EXTERNAL TABLE"));
        var body = create.substring(create.indexOf('(') + 1, create.indexOf(')'));
        var columns = new ArrayList<LakeTable.Column>();
        for (var line : body.lines().toList()) {
            var matcher = COLUMN.matcher(line);
            if (matcher.matches()) {
                columns.add(new LakeTable.Column(matcher.group(1), matcher.group(2)));
            }
        }
        return columns;
    }
}
