package dev.tally.cli;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./tally sql} on a lake folder: answers in every format, the portability lint, and failures without traces. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SqlCommandTest {

    @TempDir
    static Path lake;

    private record Run(int exitCode, String out, String err) {
    }

    /** Three events of one account on two dates, one of them delivered twice (Parquet, as Firehose lays it out). */
    @BeforeAll
    static void lake() throws Exception {
        var events = lake.resolve(LakeTable.EVENTS_PREFIX);
        Files.createDirectories(events);
        try (var connection = DriverManager.getConnection("jdbc:duckdb:"); var statement = connection.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES "
                    + "('e1', 'a1', 1, 'AccountCreated', 0, 0, TIMESTAMP '2026-03-01 09:00:00', '2026-03-01'), "
                    + "('e2', 'a1', 2, 'BalanceCredited', 1000, 1000, TIMESTAMP '2026-03-01 10:00:00', '2026-03-01'), "
                    + "('e2', 'a1', 2, 'BalanceCredited', 1000, 1000, TIMESTAMP '2026-03-01 10:00:00', '2026-03-01'), "
                    + "('e3', 'a1', 3, 'BalanceWithdrawn', 250, 750, TIMESTAMP '2026-03-02 08:00:00', '2026-03-02')) "
                    + "AS t(event_id, account_id, version, type, amount, balance_after, occurred_at, event_date)) TO "
                    + DuckDbEngine.literal(events.toString()) + " (FORMAT parquet, PARTITION_BY (event_date))");
        }
    }

    private static Run sql(String... args) {
        var all = new String[args.length + 3];
        all[0] = "sql";
        all[1] = "--dir";
        all[2] = lake.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return tally(all);
    }

    private static Run tally(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var stdout = System.out;
        var stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exitCode = TallyCli.commandLine().execute(args);
            return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private static final String PER_TYPE = "SELECT type, count(*) AS stored FROM lake_events GROUP BY type ORDER BY type";

    @Test
    void a_query_answers_in_each_format() {
        var table = sql(PER_TYPE);
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("AccountCreated    1", "BalanceCredited   2", "BalanceWithdrawn  1", "(3 rows)");
        assertThat(table.err()).contains("running the query on DuckDB over " + lake, "3 rows");

        var csv = sql("--format", "csv", PER_TYPE);
        assertThat(csv.out()).isEqualTo("type,stored\r\nAccountCreated,1\r\nBalanceCredited,2\r\nBalanceWithdrawn,1\r\n");

        var json = sql("--format", "json", PER_TYPE);
        assertThat(json.out().replaceAll("\\s", ""))
                .isEqualTo("[{\"type\":\"AccountCreated\",\"stored\":1},{\"type\":\"BalanceCredited\",\"stored\":2},"
                        + "{\"type\":\"BalanceWithdrawn\",\"stored\":1}]");
    }

    @Test
    void strict_refuses_a_query_athena_cannot_run_naming_the_construct_and_runs_nothing() {
        var refused = sql("--strict", "SELECT *\nFROM lake_events QUALIFY row_number() OVER () = 1");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("not portable, line 2, column 18: QUALIFY (DuckDB only;",
                "refused: 1 construct(s) would not run on Athena engine v3 (--strict); nothing was run")
                .doesNotContain("running the query");
    }

    @Test
    void without_strict_a_non_portable_query_is_warned_about_and_runs() {
        var warned = sql("SELECT event_id FROM lake_events QUALIFY row_number() OVER (PARTITION BY event_id) = 1 ORDER BY 1");

        assertThat(warned.exitCode()).isZero();
        assertThat(warned.err()).contains("warning: not portable, line 1, column 34: QUALIFY");
        assertThat(warned.out()).contains("e1", "e2", "e3", "(3 rows)");
    }

    @Test
    void a_failing_query_gives_the_engines_message_and_position_never_a_stack_trace() {
        var failed = sql("SELECT amount,\n       nosuch\nFROM lake_events");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("tally: the query failed: DuckDB: Binder Error: Referenced column \"nosuch\" not found",
                "LINE 2:").doesNotContain("Exception", "\tat ");
        assertThat(failed.out()).isEmpty();
    }

    @Test
    void ambiguous_or_unsafe_input_is_refused_before_any_engine_runs() {
        assertThat(sql("SELECT 1; SELECT 2").err()).contains("more than one statement");
        assertThat(sql("DROP VIEW lake_events").err()).contains("not a query: it starts with 'DROP'");
        assertThat(sql("--file", "nosuch.sql").err()).contains("--file nosuch.sql is not a file");
        assertThat(sql("--tables", "SELECT 1").err()).contains("--tables lists the tables; it takes no query");
        assertThat(sql("--replace", "SELECT 1").err()).contains("--description and --replace go with --save NAME");
        assertThat(sql("--save", "Bad Name", "SELECT 1").err()).contains("lower-case letters and digits");
        var longDescription = sql("--save", "fine-name", "--description", "x".repeat(1001), "SELECT 1");
        assertThat(longDescription.err()).contains("at most 1000 characters").doesNotContain("running the query");
    }

    @Test
    void a_saved_query_runs_as_a_report_at_once_and_keeps_its_name(@TempDir Path checkout) throws Exception {
        var saved = checkout.resolve(dev.tally.analytics.SavedQueries.SOURCE_FOLDER);
        Files.createDirectories(saved.getParent());
        var before = System.getProperty("tally.home");
        System.setProperty("tally.home", checkout.toString());
        try {
            var save = sql("--save", "stored-per-type", "--description", "rows the lake stores per type", PER_TYPE);
            assertThat(save.exitCode()).isZero();
            assertThat(save.err()).contains("saved as " + saved.resolve("stored-per-type.sql"));
            assertThat(Files.readString(saved.resolve("stored-per-type.sql"))).startsWith("-- rows the lake stores per type\n");

            assertThat(tally("report").out()).contains("stored-per-type", "rows the lake stores per type (saved query)");
            var report = tally("report", "stored-per-type", "--dir", lake.toString(), "--format", "csv");
            assertThat(report.exitCode()).isZero();
            assertThat(report.out()).isEqualTo(sql("--format", "csv", PER_TYPE).out());

            var again = sql("--save", "stored-per-type", "SELECT 1 AS one");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("exists", "--replace").doesNotContain("running the query");
            assertThat(sql("--save", "stored-per-type", "--replace", "SELECT 1 AS one").exitCode()).isZero();
            assertThat(tally("report", "stored-per-type", "--dir", lake.toString(), "--format", "csv").out()).isEqualTo("one\r\n1\r\n");
            assertThat(tally("report", "stored-per-type", "--dir", lake.toString(), "--date", "2026-03-01").err())
                    .contains("--date does not apply to stored-per-type (a saved query");
        } finally {
            if (before == null) {
                System.clearProperty("tally.home");
            } else {
                System.setProperty("tally.home", before);
            }
        }
    }

    @Test
    void tables_lists_every_column_a_query_can_read() {
        var tables = sql("--tables", "--format", "csv");

        assertThat(tables.exitCode()).isZero();
        assertThat(tables.out()).contains("lake_events,amount,bigint,", "lake_compacted,event_id,string,",
                "lake_events,event_date,string,\"partition: the event's UTC date", "ledger_accounts,");
        assertThat(tables.out().lines().count()).isEqualTo(1 + 2 * (LakeTable.EVENT_COLUMNS.size() + 1) + LakeTable.LEDGER_COLUMNS.size());
    }
}
