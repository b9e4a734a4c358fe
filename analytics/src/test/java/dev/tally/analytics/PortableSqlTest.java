package dev.tally.analytics;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The portability lint, the checks on an ad-hoc query, and saved queries. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class PortableSqlTest {

    static final List<Arguments> CASES = List.of(
            Arguments.of("GROUP BY ALL", "SELECT type, count(*) FROM lake_events GROUP BY ALL"),
            Arguments.of("QUALIFY", "SELECT * FROM lake_events QUALIFY row_number() OVER () = 1"),
            Arguments.of("strftime()", "SELECT strftime(occurred_at, '%Y') FROM lake_events"),
            Arguments.of("date_format()", "SELECT date_format(occurred_at, '%Y') FROM lake_events"),
            Arguments.of("from_iso8601_timestamp()", "SELECT from_iso8601_timestamp('2026-01-01T00:00:00Z')"),
            Arguments.of("the :: cast", "SELECT amount::double FROM lake_events"),
            Arguments.of("// integer division", "SELECT amount // 100 FROM lake_events"),
            Arguments.of("ILIKE", "SELECT * FROM lake_events WHERE type ILIKE 'balance%'"),
            Arguments.of("arg_max()/arg_min()", "SELECT arg_max(balance_after, version) FROM lake_events"),
            Arguments.of("SELECT * EXCLUDE", "SELECT * EXCLUDE (amount) FROM lake_events"),
            Arguments.of("SELECT * REPLACE", "SELECT * REPLACE (amount / 100 AS amount) FROM lake_events"),
            Arguments.of("DISTINCT ON", "SELECT DISTINCT ON (account_id) * FROM lake_events"),
            Arguments.of("list()", "SELECT list(type) FROM lake_events"),
            Arguments.of("struct_pack()", "SELECT struct_pack(a := 1)"),
            Arguments.of("reading a file directly", "SELECT * FROM read_parquet('x.parquet')"),
            Arguments.of("reading a file directly", "SELECT * FROM 'events/x.parquet'"),
            Arguments.of("epoch_ms()", "SELECT epoch_ms(occurred_at) FROM lake_events"),
            Arguments.of("ifnull()", "SELECT ifnull(display_name, '-') FROM lake_events"),
            Arguments.of("hugeint", "SELECT CAST(sum(amount) AS hugeint) FROM lake_events"),
            Arguments.of("LIMIT before OFFSET", "SELECT * FROM lake_events LIMIT 10 OFFSET 5"),
            Arguments.of("now()", "SELECT * FROM lake_events WHERE occurred_at < now()"),
            Arguments.of("avg() of an uncast value", "SELECT avg(amount) FROM lake_events"),
            Arguments.of("string_agg()", "SELECT string_agg(type, ',') FROM lake_events"),
            Arguments.of("PIVOT/UNPIVOT", "PIVOT lake_events ON type USING sum(amount)"),
            Arguments.of("USING SAMPLE", "SELECT * FROM lake_events USING SAMPLE 10"),
            Arguments.of("a `backquoted` name", "SELECT `type` FROM lake_events"));

    static List<Arguments> cases() {
        return CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void each_construct_is_named(String construct, String sql) {
        assertThat(PortableSql.check(sql)).extracting(PortableSql.Finding::construct).containsExactly(construct);
    }

    @Test
    void every_construct_the_lint_knows_has_a_case_above() {
        assertThat(CASES.stream().map(c -> (String) c.get()[0]).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(PortableSql.constructs());
    }

    @Test
    void a_finding_says_where_it_is_and_what_to_write_instead() {
        var findings = PortableSql.check("SELECT type,\n       count(*)\nFROM lake_events\n  GROUP BY all\nQUALIFY x = 1");
        assertThat(findings).extracting(PortableSql.Finding::toString).containsExactly(
                "line 4, column 3: GROUP BY ALL (name the grouping columns; in Athena ALL is a set quantifier, not every column)",
                "line 5, column 1: QUALIFY (DuckDB only; filter the window function's result in an outer SELECT)");
    }

    @Test
    void comments_strings_and_quoted_names_are_not_code() {
        var sql = """
                -- GROUP BY ALL would be shorter; QUALIFY too
                SELECT '::' AS a, 'it''s // not code' AS b, "qualify" AS c, avg(CAST(amount AS double)) AS d
                /* a block comment: ilike, now() */
                FROM lake_events
                WHERE type = 'now()' AND type IS DISTINCT FROM 'x' AND display_name IS NOT DISTINCT FROM 'y'
                OFFSET 5 LIMIT 10""";
        assertThat(PortableSql.check(sql)).isEmpty();
    }

    @Test
    void positions_stay_right_where_lower_casing_would_change_the_length() {
        assertThat(PortableSql.check("SELECT 'x' AS \u0130d,\n  avg(amount) FROM lake_events"))
                .extracting(PortableSql.Finding::line, PortableSql.Finding::column).containsExactly(org.assertj.core.groups.Tuple.tuple(2, 3));
        assertThat(PortableSql.check("select x::int from t QuAlIfY y = 1")).extracting(PortableSql.Finding::construct)
                .containsExactly("the :: cast", "QUALIFY");
    }

    @Test
    void an_unclosed_literal_name_or_comment_is_refused_where_it_starts() {
        assertThatThrownBy(() -> AdHocQuery.of("SELECT 1,\n  'abc")).hasMessage("the string literal that starts at line 2, column 3 is never closed");
        assertThatThrownBy(() -> AdHocQuery.of("SELECT \"type FROM t")).hasMessage("the quoted name that starts at line 1, column 8 is never closed");
        assertThatThrownBy(() -> AdHocQuery.of("SELECT 1 /* oops")).hasMessage("the comment that starts at line 1, column 10 is never closed");
    }

    @Test
    void a_query_reads_a_table_it_names_bare_or_quoted_but_not_in_a_comment_or_literal() {
        assertThat(AdHocQuery.of("SELECT * FROM \"ledger_accounts\"").reads(LakeTable.LEDGER_ACCOUNTS)).isTrue();
        assertThat(AdHocQuery.of("SELECT * FROM LEDGER_ACCOUNTS").reads(LakeTable.LEDGER_ACCOUNTS)).isTrue();
        assertThat(AdHocQuery.of("SELECT 'ledger_accounts' -- ledger_accounts").reads(LakeTable.LEDGER_ACCOUNTS)).isFalse();
    }

    @Test
    void an_ad_hoc_query_is_one_query_without_its_trailing_semicolon() {
        var query = AdHocQuery.of("SELECT 1 AS one; -- done\n");
        assertThat(query.sql()).isEqualTo("SELECT 1 AS one");
        assertThat(query.findings()).isEmpty();
        assertThat(AdHocQuery.of("(SELECT 1) UNION ALL (SELECT 2)").sql()).startsWith("(SELECT 1)");
        assertThat(AdHocQuery.of("( (select 1))").sql()).isEqualTo("( (select 1))");
        assertThat(AdHocQuery.of("WITH x AS (SELECT 1 AS n) SELECT n FROM x").findings()).isEmpty();
        assertThat(AdHocQuery.of("SELECT * FROM lake_events QUALIFY row_number() OVER () = 1").findings())
                .extracting(PortableSql.Finding::construct).containsExactly("QUALIFY");
    }

    @Test
    void an_ad_hoc_query_refuses_a_second_statement_anything_but_a_query_and_nothing() {
        assertThatThrownBy(() -> AdHocQuery.of("SELECT 1;\nSELECT 2"))
                .hasMessage("more than one statement: a second one starts after the ';' at line 1, column 9; run one query at a time");
        assertThatThrownBy(() -> AdHocQuery.of("  DROP VIEW lake_events"))
                .hasMessage("not a query: it starts with 'DROP' at line 1, column 3; ./tally sql runs SELECT, WITH or VALUES only, and changes nothing");
        assertThatThrownBy(() -> AdHocQuery.of("CREATE TABLE t AS SELECT 1")).hasMessageContaining("starts with 'CREATE'");
        assertThatThrownBy(() -> AdHocQuery.of(" -- only a comment\n ;")).hasMessage("the query is empty");
        assertThat(AdHocQuery.of("SELECT ';' AS semicolon").sql()).isEqualTo("SELECT ';' AS semicolon");
    }

    @Test
    void a_saved_query_is_kept_beside_the_reports_and_read_back_as_a_report(@TempDir Path folder) throws Exception {
        var at = Instant.parse("2026-12-06T03:00:00Z");
        var saved = SavedQueries.save(folder, "events-per-type", "events per type",
                AdHocQuery.of("SELECT type, count(*) AS events FROM lake_events GROUP BY type;"), at, false);

        assertThat(Files.readString(folder.resolve("events-per-type.sql"))).isEqualTo("""
                -- events per type
                -- Saved with ./tally sql --save on 2026-12-06T03:00:00Z; portable: runs on Athena engine v3 and DuckDB.
                SELECT type, count(*) AS events FROM lake_events GROUP BY type
                """);
        var read = SavedQueries.in(folder);
        assertThat(read).extracting(Report::reportName).containsExactly("events-per-type");
        assertThat(read.getFirst().description()).isEqualTo("events per type");
        assertThat(read.getFirst().saved()).isTrue();
        assertThat(read.getFirst().sql()).isEqualTo(saved.sql());
        assertThat(read.getFirst().chart()).isEmpty();
        assertThat(read.getFirst().needsLedgerExport()).isFalse();
        assertThat(Report.named("events-per-type", Report.withSaved(read))).isPresent();
        assertThat(Files.list(folder)).as("no partial file left behind").hasSize(1);
    }

    @Test
    void a_saved_query_must_be_portable_well_named_new_and_not_one_of_tallys_reports(@TempDir Path folder) {
        var at = Instant.parse("2026-12-06T03:00:00Z");
        var query = AdHocQuery.of("SELECT 1 AS one");
        assertThatThrownBy(() -> SavedQueries.save(folder, "q", "x",
                AdHocQuery.of("SELECT * FROM lake_events QUALIFY row_number() OVER () = 1"), at, false))
                .hasMessageContaining("must be portable").hasMessageContaining("QUALIFY");
        for (var bad : List.of("Upper", "9lives", "two--hyphens", "end-", "with space", "a".repeat(65))) {
            assertThatThrownBy(() -> SavedQueries.save(folder, bad, "x", query, at, false)).as(bad)
                    .hasMessageContaining("lower-case letters and digits");
        }
        assertThatThrownBy(() -> SavedQueries.save(folder, "daily-totals", "x", query, at, false))
                .hasMessage("'daily-totals' is one of Tally's reports; choose another name");
        assertThatThrownBy(() -> SavedQueries.save(folder, "one", "two\nlines", query, at, false))
                .hasMessageContaining("one non-empty line");
        assertThatThrownBy(() -> SavedQueries.save(folder, "one", "x".repeat(1001), query, at, false))
                .hasMessageContaining("at most 1000 characters");

        SavedQueries.save(folder, "one", "the number one", query, at, false);
        assertThatThrownBy(() -> SavedQueries.save(folder, "one", "again", query, at, false))
                .hasMessageContaining("exists").hasMessageContaining("--replace");
        SavedQueries.save(folder, "one", "replaced", query, at, true);
        assertThat(SavedQueries.in(folder).getFirst().description()).isEqualTo("replaced");
    }

    @Test
    void a_saved_query_edited_by_hand_is_held_to_what_save_checks(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("edited.sql"), "-- edited\nSELECT * FROM lake_events QUALIFY row_number() OVER () = 1\n");
        assertThatThrownBy(() -> SavedQueries.in(folder)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edited.sql cannot be used").hasMessageContaining("QUALIFY");
        Files.writeString(folder.resolve("edited.sql"), "-- edited\nCREATE TABLE x AS SELECT 1\n");
        assertThatThrownBy(() -> SavedQueries.in(folder)).hasMessageContaining("not a query");
    }

    @Test
    void a_saved_query_reading_the_ledger_export_gets_a_fresh_one(@TempDir Path folder) {
        var saved = SavedQueries.save(folder, "ledger", "accounts in the ledger",
                AdHocQuery.of("SELECT count(*) FROM ledger_accounts -- not lake_events"), Instant.EPOCH, false);
        assertThat(saved.needsLedgerExport()).isTrue();
        var commented = SavedQueries.save(folder, "lake", "events",
                AdHocQuery.of("SELECT count(*) FROM lake_events -- not ledger_accounts"), Instant.EPOCH, false);
        assertThat(commented.needsLedgerExport()).isFalse();
    }
}
