package dev.tally.standins.athena;

import dev.tally.standins.LocalClients;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.glue.GlueTable.Column;
import dev.tally.standins.glue.GlueTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The Athena stand-in through the real {@link AthenaClient}, over Parquet objects this test writes with DuckDB,
 * held to what the AWS docs say:
 * <a href="https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html">StartQueryExecution</a>
 * with <a href="https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html">ExecutionParameters</a>,
 * <a href="https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryExecution.html">GetQueryExecution</a>
 * (states, and a failure's {@code StateChangeReason} and {@code AthenaError}),
 * <a href="https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html">GetQueryResults</a>
 * (the header row first, at most 1,000 rows a page, {@code NextToken}, every value as text, the column types in
 * {@code ResultSetMetadata}),
 * <a href="https://docs.aws.amazon.com/athena/latest/APIReference/API_StopQueryExecution.html">StopQueryExecution</a>,
 * and partition keys read from <a href="https://docs.aws.amazon.com/athena/latest/ug/partitions.html">Hive-style
 * folders</a>.
 *
 * <p>The tables are the test's own: a shop's sales partitioned by day (2,500 rows, so results span pages), its
 * stores without partitions, and its returns, which have no objects yet.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LocalAthenaTest {

    private static final String DATABASE = "shop";

    @TempDir
    static Path mirror;
    private static final AtomicInteger refreshes = new AtomicInteger();
    /** Refreshing the local copy waits on this gate, so a test can hold a query in RUNNING. */
    private static final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private static LocalAthena standIn;
    private static AthenaClient athena;

    @BeforeAll
    static void start() throws Exception {
        writeFixtures();
        var glue = new GlueCatalog();
        glue.put(new GlueTable(DATABASE, "sales", "s3://lake/sales/", List.of(new Column("item", "string"),
                new Column("units", "bigint"), new Column("price", "double"), new Column("sold_at", "timestamp")),
                List.of(new Column("sale_day", "string"))));
        glue.put(new GlueTable(DATABASE, "stores", "s3://lake/stores/", List.of(new Column("store", "string"),
                new Column("opened", "date"), new Column("open", "boolean"), new Column("staff", "int")), List.of()));
        // The stores' objects after a column was added to the table: none of them has it yet.
        glue.put(new GlueTable(DATABASE, "stores_now", "s3://lake/stores/", List.of(new Column("store", "string"),
                new Column("region", "string"), new Column("staff", "int")), List.of()));
        glue.put(new GlueTable(DATABASE, "returns", "s3://lake/returns/", List.of(new Column("item", "string"),
                new Column("units", "bigint")), List.of(new Column("return_day", "string"))));
        standIn = new LocalAthena(0, glue, mirror, LocalAthenaTest::refresh, Clock.systemUTC());
        athena = LocalClients.client(AthenaClient.builder(), standIn.endpoint());
    }

    /** The bucket's local copy: Parquet under Hive-style folders, as Firehose would have delivered it. */
    private static void writeFixtures() throws SQLException, java.io.IOException {
        Files.createDirectories(mirror.resolve("sales/sale_day=2026-03-01"));
        Files.createDirectories(mirror.resolve("sales/sale_day=2026-03-02"));
        Files.createDirectories(mirror.resolve("stores"));
        try (var duckdb = DriverManager.getConnection("jdbc:duckdb:"); var statement = duckdb.createStatement()) {
            statement.execute("SET TimeZone='UTC'");
            for (var day : List.of("2026-03-01:1500", "2026-03-02:1000")) {
                var date = day.substring(0, day.indexOf(':'));
                var rows = day.substring(day.indexOf(':') + 1);
                statement.execute("COPY (SELECT 'item-' || i AS item, i AS units, CAST(i AS DOUBLE) / 2 AS price, "
                        + "TIMESTAMP '" + date + " 00:00:00' + to_seconds(i) AS sold_at FROM range(" + rows + ") t(i)) "
                        + "TO '" + mirror.resolve("sales/sale_day=" + date + "/part-0.parquet") + "' (FORMAT parquet)");
            }
            statement.execute("COPY (SELECT * FROM (VALUES ('north', DATE '2019-04-01', true, 12), "
                    + "('south', NULL, false, 3)) t(store, opened, open, staff)) "
                    + "TO '" + mirror.resolve("stores/stores.parquet") + "' (FORMAT parquet)");
        }
    }

    private static void refresh() {
        refreshes.incrementAndGet();
        try {
            if (!gate.get().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the refresh gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void openTheGate() {
        gate.get().countDown();
    }

    @AfterAll
    static void stop() {
        athena.close();
        standIn.close();
    }

    // ---------------------------------------------------------------- results

    @Test
    void results_come_in_pages_of_at_most_1000_rows_with_the_column_names_first() {
        var id = succeeded("SELECT item, units FROM sales ORDER BY sale_day, units");

        var pages = new ArrayList<GetQueryResultsResponse>();
        String token = null;
        do {
            var next = token;
            var page = athena.getQueryResults(b -> b.queryExecutionId(id).nextToken(next));
            pages.add(page);
            token = page.nextToken();
        } while (token != null);

        assertThat(pages).extracting(p -> p.resultSet().rows().size())
                .as("the header row counts against the first page").containsExactly(1000, 1000, 501);
        var rows = pages.stream().flatMap(p -> p.resultSet().rows().stream()).map(LocalAthenaTest::values).toList();
        assertThat(rows.getFirst()).containsExactly("item", "units");
        assertThat(rows.get(1)).containsExactly("item-0", "0");
        assertThat(rows.getLast()).containsExactly("item-999", "999");
        assertThat(rows).hasSize(1 + 2500);

        var small = athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(10));
        assertThat(small.resultSet().rows()).hasSize(10);
        assertThat(values(athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(10).nextToken(small.nextToken()))
                .resultSet().rows().getFirst())).containsExactly("item-9", "9");
        assertThatThrownBy(() -> athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(1001)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("MaxResults");
    }

    @Test
    void the_result_set_metadata_gives_athenas_type_for_each_column_and_values_come_as_text() {
        var sales = athena.getQueryResults(b -> b.queryExecutionId(succeeded(
                "SELECT item, units, price, sold_at, sale_day FROM sales WHERE sale_day = '2026-03-01' AND units = 1")));
        assertThat(sales.resultSet().resultSetMetadata().columnInfo())
                .extracting(ColumnInfo::name, ColumnInfo::type).containsExactly(
                        tuple("item", "varchar"), tuple("units", "bigint"),
                        tuple("price", "double"), tuple("sold_at", "timestamp"),
                        tuple("sale_day", "varchar"));
        assertThat(sales.resultSet().resultSetMetadata().columnInfo()).allSatisfy(column -> {
            assertThat(column.label()).isEqualTo(column.name());
            assertThat(column.catalogName()).isEqualTo("hive");
        });
        assertThat(values(sales.resultSet().rows().get(1)))
                .as("timestamps with milliseconds").containsExactly("item-1", "1", "0.5", "2026-03-01 00:00:01.000", "2026-03-01");

        var stores = athena.getQueryResults(b -> b.queryExecutionId(succeeded("SELECT store, opened, open, staff FROM stores ORDER BY store")));
        assertThat(stores.resultSet().resultSetMetadata().columnInfo()).extracting(ColumnInfo::type)
                .containsExactly("varchar", "date", "boolean", "integer");
        assertThat(stores.resultSet().rows().subList(1, 3)).extracting(LocalAthenaTest::values).containsExactly(
                List.of("north", "2019-04-01", "true", "12"), Arrays.asList("south", null, "false", "3"));
        assertThat(stores.resultSet().rows().get(2).data().get(1).varCharValue()).as("NULL is a datum without a value").isNull();

        var totals = athena.getQueryResults(b -> b.queryExecutionId(succeeded("SELECT sum(units) AS total, count(*) AS n FROM sales")));
        assertThat(totals.resultSet().resultSetMetadata().columnInfo()).extracting(ColumnInfo::type)
                .as("a sum of bigints is a bigint").containsExactly("bigint", "bigint");
        assertThat(values(totals.resultSet().rows().get(1))).containsExactly(Long.toString(1499 * 1500 / 2 + 999 * 1000 / 2), "2500");
    }

    /** Trino names an expression without an alias {@code _colN}, its 0-based position; DuckDB would say count_star(). */
    @Test
    void an_expression_without_an_alias_is_named_as_athena_names_it() {
        assertThat(header("SELECT item, count(*), sum(units) AS total, units + 1, s.price FROM sales s "
                + "GROUP BY item, units, s.price LIMIT 1")).containsExactly("item", "_col1", "total", "_col3", "price");
        assertThat(header("SELECT CAST(units AS double), * FROM stores, (SELECT 1 AS units) LIMIT 1"))
                .as("a star keeps the table's names; what follows it is counted after them")
                .containsExactly("_col0", "store", "opened", "open", "staff", "units");
        assertThat(header("SELECT count(*) FROM sales UNION ALL SELECT 1")).as("a union is named by its first branch")
                .containsExactly("_col0");
        assertThat(header("WITH t AS (SELECT 1 AS n) SELECT n, n * 2, 'x' AS label FROM t")).containsExactly("n", "_col1", "label");
    }

    private static List<String> header(String sql) {
        var result = athena.getQueryResults(b -> b.queryExecutionId(succeeded(sql)));
        assertThat(values(result.resultSet().rows().getFirst()))
                .as("the header row and the metadata agree").isEqualTo(result.resultSet().resultSetMetadata().columnInfo()
                        .stream().map(ColumnInfo::name).toList());
        return values(result.resultSet().rows().getFirst());
    }

    @Test
    void partition_keys_come_from_the_hive_style_folder_names() {
        var result = athena.getQueryResults(b -> b.queryExecutionId(succeeded(
                "SELECT sale_day, count(*) AS n FROM sales GROUP BY sale_day ORDER BY sale_day")));
        assertThat(result.resultSet().rows()).extracting(LocalAthenaTest::values).containsExactly(
                List.of("sale_day", "n"), List.of("2026-03-01", "1500"), List.of("2026-03-02", "1000"));
    }

    @Test
    void a_table_without_objects_answers_no_rows() {
        var result = athena.getQueryResults(b -> b.queryExecutionId(succeeded("SELECT * FROM returns")));
        assertThat(result.resultSet().rows()).extracting(LocalAthenaTest::values)
                .containsExactly(List.of("item", "units", "return_day"));
        assertThat(result.resultSet().resultSetMetadata().columnInfo()).extracting(ColumnInfo::type)
                .containsExactly("varchar", "bigint", "varchar");
    }

    /** Athena reads Parquet by column name: https://docs.aws.amazon.com/athena/latest/ug/handling-schema-updates-chapter.html */
    @Test
    void a_table_column_that_the_objects_lack_reads_as_null() {
        var result = athena.getQueryResults(b -> b.queryExecutionId(succeeded(
                "SELECT store, region, staff FROM stores_now ORDER BY store")));
        assertThat(result.resultSet().rows()).extracting(LocalAthenaTest::values).containsExactly(
                List.of("store", "region", "staff"), java.util.Arrays.asList("north", null, "12"),
                java.util.Arrays.asList("south", null, "3"));
    }

    // ---------------------------------------------------------------- parameters

    @Test
    void execution_parameters_take_the_place_of_the_question_marks_as_sql_literals() {
        var id = start("SELECT count(*) AS n FROM sales WHERE sale_day = ? AND units < ?", "'2026-03-02'", "10");
        var execution = ended(id);
        assertThat(execution.status().state()).isEqualTo(QueryExecutionState.SUCCEEDED);
        assertThat(execution.query()).as("the query as given").contains("sale_day = ?");
        assertThat(values(athena.getQueryResults(b -> b.queryExecutionId(id)).resultSet().rows().get(1))).containsExactly("10");
    }

    @Test
    void a_question_mark_inside_a_string_literal_is_not_a_placeholder() {
        var result = athena.getQueryResults(b -> b.queryExecutionId(succeeded("SELECT '?' AS q, ? AS p", "'x'")));
        assertThat(values(result.resultSet().rows().get(1))).containsExactly("?", "x");

        assertThatThrownBy(() -> start("SELECT ? AS p, ? AS q", "'x'"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("more ? placeholders");
        assertThatThrownBy(() -> start("SELECT '?' AS q", "'x'"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1 ExecutionParameters for 0 placeholders");
    }

    // ---------------------------------------------------------------- execution

    @Test
    void a_failed_query_gives_athenas_reason() {
        var id = start("SELECT no_such_column FROM sales");
        var status = ended(id).status();

        assertThat(status.state()).isEqualTo(QueryExecutionState.FAILED);
        assertThat(status.stateChangeReason()).contains("no_such_column");
        assertThat(status.athenaError().errorMessage()).isEqualTo(status.stateChangeReason());
        assertThat(status.athenaError().errorCategory()).as("a user error").isEqualTo(2);
        assertThat(status.athenaError().retryable()).isFalse();
        assertThat(status.completionDateTime()).isAfterOrEqualTo(status.submissionDateTime());
        assertThatThrownBy(() -> athena.getQueryResults(b -> b.queryExecutionId(id)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("FAILED");
    }

    @Test
    void each_query_first_refreshes_the_local_copy_of_the_bucket_and_runs_in_its_database() {
        int before = refreshes.get();
        var execution = ended(succeeded("SELECT 1 AS one"));
        assertThat(refreshes.get()).isEqualTo(before + 1);
        assertThat(execution.queryExecutionContext().database()).isEqualTo(DATABASE);
        assertThat(execution.workGroup()).isEqualTo("primary");
        assertThat(execution.statementTypeAsString()).isEqualTo("DML");
    }

    @Test
    void a_stopped_query_is_cancelled_whether_it_waited_or_ran_and_stays_cancelled() {
        gate.set(new CountDownLatch(1));
        var running = start("SELECT count(*) FROM sales");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(running) == QueryExecutionState.RUNNING);
        var queued = start("SELECT count(*) FROM stores");
        assertThat(state(queued)).as("one query at a time here").isEqualTo(QueryExecutionState.QUEUED);
        assertThatThrownBy(() -> athena.getQueryResults(b -> b.queryExecutionId(running)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Current state: RUNNING");

        athena.stopQueryExecution(b -> b.queryExecutionId(queued));
        athena.stopQueryExecution(b -> b.queryExecutionId(running));
        assertThat(state(queued)).isEqualTo(QueryExecutionState.CANCELLED);
        assertThat(state(running)).isEqualTo(QueryExecutionState.CANCELLED);

        gate.get().countDown();
        var after = succeeded("SELECT 1 AS one"); // queries run in turn: this one ends after the stopped ones
        assertThat(state(after)).isEqualTo(QueryExecutionState.SUCCEEDED);
        assertThat(state(running)).as("a stopped query does not come back").isEqualTo(QueryExecutionState.CANCELLED);
        assertThat(state(queued)).isEqualTo(QueryExecutionState.CANCELLED);
        assertThat(ended(running).status().completionDateTime()).isNotNull();
        athena.stopQueryExecution(b -> b.queryExecutionId(after));
        assertThat(state(after)).as("stopping a finished query changes nothing").isEqualTo(QueryExecutionState.SUCCEEDED);
    }

    @Test
    void an_unknown_query_execution_is_an_invalid_request() {
        assertThatThrownBy(() -> athena.getQueryExecution(b -> b.queryExecutionId("nope")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> athena.startQueryExecution(b -> b.queryString(" ")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("QueryString");
    }

    // ---------------------------------------------------------------- helpers

    private static String start(String sql, String... parameters) {
        return athena.startQueryExecution(b -> {
            b.queryString(sql).queryExecutionContext(c -> c.database(DATABASE));
            if (parameters.length > 0) {
                b.executionParameters(parameters);
            }
        }).queryExecutionId();
    }

    /** Starts a query and waits for it to succeed. */
    private static String succeeded(String sql, String... parameters) {
        var id = start(sql, parameters);
        var status = ended(id).status();
        assertThat(status.state()).as(sql + ": " + status.stateChangeReason()).isEqualTo(QueryExecutionState.SUCCEEDED);
        return id;
    }

    /** Polls GetQueryExecution until the query has ended, as a client of Athena does. */
    private static QueryExecution ended(String id) {
        var ended = Set.of(QueryExecutionState.SUCCEEDED, QueryExecutionState.FAILED, QueryExecutionState.CANCELLED);
        await().atMost(Duration.ofSeconds(30)).until(() -> ended.contains(state(id)));
        return athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
    }

    private static QueryExecutionState state(String id) {
        return athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution().status().state();
    }

    private static List<String> values(Row row) {
        return row.data().stream().map(Datum::varCharValue).toList();
    }
}
