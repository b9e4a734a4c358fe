package dev.tally.analytics;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dashboard page, from results made by hand: what it embeds for the charts, and that nothing escapes. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DashboardPageTest {

    static final String ALICE = "0a000000-0000-4000-8000-000000000001";
    static final String BOB = "0b000000-0000-4000-8000-000000000002";
    static final String CHART_JS = "/*! Chart.js v4.6.2 (a stand-in: the page inlines whatever it is given) */";
    static final Instant GENERATED = Instant.parse("2026-03-03T10:15:30.123Z");

    @SafeVarargs // List.of copies the rows; nothing is written to the array
    @SuppressWarnings("varargs")
    static ReportResult dailyTotals(List<Object>... rows) {
        return new ReportResult(List.of("event_date", "type", "event_count", "total_amount"), List.of(rows));
    }

    @SafeVarargs // List.of copies the rows; nothing is written to the array
    @SuppressWarnings("varargs")
    static ReportResult topMovers(List<Object>... rows) {
        return new ReportResult(List.of("event_date", "mover_rank", "account_id", "credited", "withdrawn", "net_change"), List.of(rows));
    }

    @SafeVarargs // List.of copies the rows; nothing is written to the array
    @SuppressWarnings("varargs")
    static ReportResult reconciliation(List<Object>... rows) {
        return new ReportResult(List.of("account_id", "status", "table_event_count", "lake_event_count", "table_last_version",
                "lake_last_version", "table_balance", "lake_balance"), List.of(rows));
    }

    @SafeVarargs // List.of copies the rows; nothing is written to the array
    @SuppressWarnings("varargs")
    static ReportResult overdraftAudit(List<Object>... rows) {
        return new ReportResult(List.of("event_date", "account_id", "version", "type", "amount", "running_balance",
                "balance_after", "problem"), List.of(rows));
    }

    static Dashboard.Figure ran(String name, ReportResult result) {
        return new Dashboard.Figure.Ran(name, "SELECT 1 -- " + name, result);
    }

    static Dashboard dashboard(ReportResult daily, ReportResult movers, Dashboard.Figure reconciliation, ReportResult audit) {
        return new Dashboard(GENERATED, "s3://tally-lake", ran("daily-totals", daily), ran("top-movers", movers),
                reconciliation, ran("overdraft-audit", audit));
    }

    static final ReportResult KNOWN_DAILY_TOTALS = dailyTotals(List.of("2026-03-01", "AccountCreated", 2L, 0L),
            List.of("2026-03-01", "BalanceCredited", 1L, 10_000L), List.of("2026-03-02", "BalanceWithdrawn", 3L, 450L),
            List.of("2026-03-03", "BalanceCredited", 2L, 1_005L));

    static final Dashboard KNOWN = dashboard(KNOWN_DAILY_TOTALS,
            topMovers(List.of("2026-03-01", 1L, ALICE, 10_000L, 0L, 10_000L), List.of("2026-03-03", 1L, BOB, 1_000L, 0L, 1_000L),
                    List.of("2026-03-03", 2L, ALICE, 5L, 455L, -450L)),
            ran("reconciliation", reconciliation(List.of(BOB, "differs", 3L, 2L, 3L, 2L, 500L, 450L),
                    List.of(ALICE, "ok", 4L, 4L, 4L, 4L, 9_550L, 9_550L))),
            overdraftAudit(List.of("2026-03-02", BOB, 3L, "BalanceWithdrawn", 600L, -100L, -100L, "overdrawn")));

    @Test
    void daily_totals_have_one_dataset_per_type_and_one_point_per_event_date() {
        var charts = DashboardPage.embeddedData(DashboardPage.html(KNOWN, CHART_JS)).path("charts");

        var events = charts.path(DashboardPage.DAILY_EVENTS);
        assertThat(strings(events.path("labels"))).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
        assertThat(strings(events.path("datasets").findValues("label").stream().toList()))
                .containsExactly("AccountCreated", "BalanceCredited", "BalanceWithdrawn");
        assertThat(events.path("datasets").get(1).path("values").toString()).isEqualTo("[1,0,2]");
        assertThat(events.path("datasets").get(2).path("values").toString()).isEqualTo("[0,3,0]");
        assertThat(events.path("type").asText()).isEqualTo("bar");

        // openings move no money: no line along zero
        var amounts = charts.path(DashboardPage.DAILY_AMOUNTS);
        assertThat(strings(amounts.path("datasets").findValues("label").stream().toList()))
                .containsExactly("BalanceCredited", "BalanceWithdrawn");
        assertThat(amounts.path("datasets").get(0).path("values").toString()).isEqualTo("[10000,0,1005]");
        assertThat(amounts.path("unit").asText()).isEqualTo("money");
        assertThat(amounts.path("datasets").get(0).path("color")).as("a type keeps its colour in both charts")
                .isEqualTo(events.path("datasets").get(1).path("color"));
    }

    @Test
    void a_day_without_events_is_a_point_at_zero_not_a_gap_in_the_axis() {
        var gap = dailyTotals(List.of("2026-02-27", "BalanceCredited", 1L, 100L), List.of("2026-03-02", "BalanceCredited", 2L, 300L));
        var page = DashboardPage.html(dashboard(gap, topMovers(), ran("reconciliation", reconciliation()), overdraftAudit()), CHART_JS);

        var events = DashboardPage.embeddedData(page).path("charts").path(DashboardPage.DAILY_EVENTS);
        assertThat(strings(events.path("labels"))).containsExactly("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02");
        assertThat(events.path("datasets").get(0).path("values").toString()).isEqualTo("[1,0,0,2]");
        assertThat(page).contains("4 dates, 2026-02-27 to 2026-03-02.");
    }

    @Test
    void a_longer_history_is_drawn_as_lines_with_a_point_on_every_date() {
        var rows = new ArrayList<List<Object>>();
        var first = java.time.LocalDate.parse("2026-01-01");
        for (int day = 0; day <= DashboardPage.MAX_DATES_AS_BARS; day++) {
            rows.add(List.of(first.plusDays(day).toString(), "BalanceCredited", 1L, 100L + day));
        }
        var page = DashboardPage.html(dashboard(new ReportResult(KNOWN_DAILY_TOTALS.columns(), rows), topMovers(),
                ran("reconciliation", reconciliation()), overdraftAudit()), CHART_JS);

        var events = DashboardPage.embeddedData(page).path("charts").path(DashboardPage.DAILY_EVENTS);
        assertThat(events.path("type").asText()).isEqualTo("line");
        assertThat(events.path("labels")).hasSize(DashboardPage.MAX_DATES_AS_BARS + 1);
        assertThat(events.path("datasets").get(0).path("values")).hasSize(DashboardPage.MAX_DATES_AS_BARS + 1);
    }

    @Test
    void top_movers_are_those_of_the_latest_date_and_the_other_figures_count_per_status_and_problem() {
        var charts = DashboardPage.embeddedData(DashboardPage.html(KNOWN, CHART_JS)).path("charts");

        var movers = charts.path(DashboardPage.TOP_MOVERS);
        assertThat(strings(movers.path("titles"))).containsExactly(BOB, ALICE);
        assertThat(movers.path("datasets").get(0).path("values").toString()).isEqualTo("[1000,-450]");
        assertThat(strings(movers.path("datasets").get(0).path("colors"))).as("gains and losses apart").doesNotHaveDuplicates();

        var reconciliation = charts.path(DashboardPage.RECONCILIATION);
        assertThat(strings(reconciliation.path("labels"))).containsExactly("differs", "ok");
        assertThat(reconciliation.path("datasets").get(0).path("values").toString()).isEqualTo("[1,1]");

        var audit = charts.path(DashboardPage.OVERDRAFT_AUDIT);
        assertThat(strings(audit.path("labels"))).containsExactly("overdrawn");
        assertThat(audit.path("datasets").get(0).path("values").toString()).isEqualTo("[1]");
    }

    @Test
    void tables_list_the_differing_accounts_and_the_audit_rows_and_every_figure_has_its_sql_and_a_chart() {
        var html = DashboardPage.html(KNOWN, CHART_JS);

        assertThat(html).contains("<td class=\"id\">" + BOB + "</td><td class=\"text\">differs</td>")
                .doesNotContain("<td class=\"text\">ok</td>");
        assertThat(html).contains("<td class=\"num\">-1.00</td><td class=\"num\">-1.00</td><td class=\"prose\">overdrawn</td>");
        assertThat(html).contains("<h2>Top movers on 2026-03-03</h2>");
        for (var report : List.of("daily-totals", "top-movers", "reconciliation", "overdraft-audit")) {
            assertThat(html).contains("<details class=\"sql\" data-report=\"" + report + "\"><summary>SQL: " + report
                    + ".sql</summary><pre><code>SELECT 1 -- " + report + "</code></pre></details>");
        }
        assertThat(count(html, "<canvas data-chart=")).isEqualTo(5);
        assertThat(html).contains("Generated <time datetime=\"2026-03-03T10:15:30Z\">2026-03-03T10:15:30Z</time> from "
                + "<code>s3://tally-lake</code>");
        assertThat(html).contains("Charts drawn by Chart.js 4.6.2").contains(CHART_JS);
    }

    @Test
    void money_is_printed_from_the_integer_and_travels_as_digits_where_javascript_would_round_it() {
        assertThat(DashboardPage.units(123_456L)).isEqualTo("1,234.56");
        assertThat(DashboardPage.units(-5L)).isEqualTo("-0.05");
        assertThat(DashboardPage.units(0L)).isEqualTo("0.00");
        assertThat(DashboardPage.units(Long.MAX_VALUE)).isEqualTo("92,233,720,368,547,758.07");
        assertThat(DashboardPage.units(new BigDecimal("123456789012345678901"))).isEqualTo("1,234,567,890,123,456,789.01");

        long largestExact = (1L << 53) - 1;
        assertThat(DashboardPage.integer(largestExact).isNumber()).isTrue();
        assertThat(DashboardPage.integer(largestExact + 1).asText()).isEqualTo("9007199254740992");
        assertThat(DashboardPage.integer(largestExact + 1).isTextual()).isTrue();
        assertThat(DashboardPage.integer(-largestExact - 1).isTextual()).isTrue();
        assertThat(DashboardPage.integer(new BigDecimal("123456789012345678901")).asText()).isEqualTo("123456789012345678901");

        var huge = dashboard(dailyTotals(List.of("2026-03-01", "BalanceCredited", 1L, Long.MAX_VALUE)), topMovers(),
                ran("reconciliation", reconciliation()), overdraftAudit());
        var amounts = DashboardPage.embeddedData(DashboardPage.html(huge, CHART_JS)).path("charts")
                .path(DashboardPage.DAILY_AMOUNTS).path("datasets").get(0).path("values");
        assertThat(amounts.toString()).isEqualTo("[\"9223372036854775807\"]");
    }

    @Test
    void nothing_from_the_lake_can_end_a_script_or_add_markup() {
        var evil = "</script><script>alert(1)</script><!--&\"'";
        var page = DashboardPage.html(new Dashboard(GENERATED, "/tmp/<lake>&\"",
                new Dashboard.Figure.Ran("daily-totals", "SELECT '</details><b>' -- & more",
                        dailyTotals(List.of("2026-03-01", evil, 1L, 100L))),
                ran("top-movers", topMovers(List.of("2026-03-01", 1L, evil, 100L, 0L, 100L))),
                ran("reconciliation", reconciliation(Arrays.asList(evil, evil, 1L, null, 1L, null, 100L, null))),
                ran("overdraft-audit", overdraftAudit(List.of("2026-03-01", evil, 2L, evil, 1L, -1L, -1L, evil)))), CHART_JS);

        assertThat(count(page, "<script")).as("the data island, Chart.js and the page's script; no other").isEqualTo(3);
        assertThat(count(page, "</script>")).isEqualTo(3);
        assertThat(page).doesNotContain("<script>alert").doesNotContain("'<b>'").doesNotContain("</details><b>").doesNotContain("<!--");
        assertThat(page).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--&amp;&quot;&#39;");
        assertThat(page).contains("<code>/tmp/&lt;lake&gt;&amp;&quot;</code>");
        assertThat(page).contains("SELECT &#39;&lt;/details&gt;&lt;b&gt;&#39; -- &amp; more");
        var island = page.substring(page.indexOf('>', page.indexOf(DashboardPage.DATA_ID)) + 1, page.indexOf("</script>"));
        assertThat(island).doesNotContain("<", ">", "&").contains("\\u003C/script\\u003E");
        // and the script reads back exactly what the lake said
        var charts = DashboardPage.embeddedData(page).path("charts");
        assertThat(charts.path(DashboardPage.DAILY_EVENTS).path("datasets").get(0).path("label").asText()).isEqualTo(evil);
        assertThat(charts.path(DashboardPage.TOP_MOVERS).path("titles").get(0).asText()).isEqualTo(evil);
        assertThat(charts.path(DashboardPage.OVERDRAFT_AUDIT).path("labels").get(0).asText()).isEqualTo(evil);
    }

    @Test
    void a_sound_audit_says_so_and_a_reconciliation_that_could_not_run_says_why() {
        var page = DashboardPage.html(new Dashboard(GENERATED, "/lakes/a", KNOWN.dailyTotals(), KNOWN.topMovers(),
                new Dashboard.Figure.NotRun("reconciliation", "SELECT 2", "a lake folder has no events table."),
                ran("overdraft-audit", overdraftAudit())), CHART_JS);

        assertThat(page).contains("<p class=\"notice good sound\">Sound: no event overdraws an account");
        assertThat(page).contains("<p class=\"notice not-run\">Not run: a lake folder has no events table.</p>");
        assertThat(page).contains("data-report=\"reconciliation\"><summary>SQL: reconciliation.sql</summary><pre><code>SELECT 2");
        assertThat(page).doesNotContain("data-chart=\"" + DashboardPage.RECONCILIATION + "\"")
                .doesNotContain("data-chart=\"" + DashboardPage.OVERDRAFT_AUDIT + "\"");
        var charts = DashboardPage.embeddedData(page).path("charts");
        assertThat(charts.has(DashboardPage.RECONCILIATION)).isFalse();
        assertThat(charts.has(DashboardPage.OVERDRAFT_AUDIT)).isFalse();
    }

    @Test
    void long_tables_list_the_first_rows_and_name_the_report_for_the_rest() {
        var rows = new ArrayList<List<Object>>();
        for (int i = 0; i < DashboardPage.MAX_TABLE_ROWS + 7; i++) {
            rows.add(List.of("2026-03-01", BOB, (long) i + 2, "BalanceWithdrawn", 1L, -1L - i, -1L - i, "overdrawn"));
        }
        var page = DashboardPage.html(dashboard(KNOWN_DAILY_TOTALS,
                topMovers(), ran("reconciliation", reconciliation()),
                new ReportResult(overdraftAudit().columns(), rows)), CHART_JS);

        assertThat(count(page, "<td class=\"prose\">overdrawn</td>")).isEqualTo(DashboardPage.MAX_TABLE_ROWS);
        assertThat(page).contains("The first 50 of 57 rows; all of them: <code>./tally report overdraft-audit</code>.");
        assertThat(page).contains("No money has moved yet.").contains("Neither the lake nor the events table holds an account yet.");
    }

    @Test
    void a_chart_js_build_that_could_end_its_script_element_is_refused() {
        assertThatThrownBy(() -> DashboardPage.html(KNOWN, "var s = '</SCRIPT>';"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("</script");
    }

    @Test
    void a_checkout_without_chart_js_is_told_to_run_npm_ci(@TempDir Path checkout) {
        assertThatThrownBy(() -> DashboardPage.chartJs(checkout))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(checkout.resolve(DashboardPage.CHART_JS).toString())
                .hasMessageContaining("npm ci");
    }

    private static List<String> strings(Iterable<com.fasterxml.jackson.databind.JsonNode> nodes) {
        var values = new ArrayList<String>();
        nodes.forEach(n -> values.add(n.asText()));
        return values;
    }

    private static int count(String text, String part) {
        return (int) Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }
}
