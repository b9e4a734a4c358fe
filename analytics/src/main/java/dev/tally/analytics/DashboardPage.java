package dev.tally.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import static dev.tally.analytics.DashboardPage.Column.ID;
import static dev.tally.analytics.DashboardPage.Column.NUMBER;
import static dev.tally.analytics.DashboardPage.Column.PROSE;
import static dev.tally.analytics.DashboardPage.Column.TEXT;

/**
 * Draws a {@link Dashboard} as one self-contained HTML page: no CDN, no request of any kind. The tables are HTML
 * written here; the charts are drawn in the browser by Chart.js, which is inlined into the page, from a JSON data
 * island of chart specifications built here (labels, one value per point, colours), so the page's script knows
 * nothing of the reports and every number it draws is decided, and unit-tested, in Java.
 *
 * <p>Everything from the lake is escaped: HTML text with {@link #escape}, and the data island's JSON with
 * {@code <}, {@code >} and {@code &} written as JSON unicode escapes, so no value can close the script element.
 *
 * <p>Money is integer minor units. Tables print it here, exactly, from the integer. In the data island an amount is a
 * JSON number while JavaScript holds it exactly (|x| up to 2^53 - 1, {@code Number.MAX_SAFE_INTEGER}) and a string
 * of digits beyond, and the page prints it from its digits, never by dividing a float.
 */
public final class DashboardPage {

    /** Where {@code npm ci} puts the Chart.js build the page inlines, under the checkout; package.json pins its version. */
    public static final String CHART_JS = "node_modules/chart.js/dist/chart.umd.js";

    /** The element holding the charts' data. */
    public static final String DATA_ID = "dashboard-data";

    /** The charts, by the {@code data-chart} attribute of their canvas. */
    public static final String DAILY_EVENTS = "daily-events";
    public static final String DAILY_AMOUNTS = "daily-amounts";
    public static final String TOP_MOVERS = "top-movers";
    public static final String RECONCILIATION = "reconciliation";
    public static final String OVERDRAFT_AUDIT = "overdraft-audit";

    /** Rows a table lists at most; the rest are counted and the report command named. */
    static final int MAX_TABLE_ROWS = 50;
    /** Up to this many dates, daily totals are grouped bars; beyond, lines (a year of bars would be hairlines). */
    static final int MAX_DATES_AS_BARS = 31;

    private static final long MAX_EXACT_IN_JAVASCRIPT = (1L << 53) - 1;
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#bab0ac"};
    private static final String GOOD = "#59a14f";
    private static final String BAD = "#e15759";
    private static final String OK_STATUS = "ok";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
    }

    private DashboardPage() {
    }

    /**
     * The Chart.js build the page inlines, as npm installed it under {@code checkout}.
     *
     * @throws IllegalStateException naming the missing file and {@code npm ci}, which ./tally runs, when it is not
     *                               installed
     */
    public static String chartJs(Path checkout) {
        var file = checkout.resolve(CHART_JS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Chart.js is not installed (" + file + " is missing): run npm ci in "
                    + checkout + ", or any ./tally command, which runs it");
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The page.
     *
     * @param chartJs the Chart.js UMD build, inlined as it is
     * @throws IllegalArgumentException if {@code chartJs} could end its script element early
     */
    public static String html(Dashboard dashboard, String chartJs) {
        var lowered = chartJs.toLowerCase(Locale.ROOT);
        if (lowered.contains("</script") || lowered.contains("<!--")) {
            throw new IllegalArgumentException("the Chart.js source contains </script or <!--, which would end or "
                    + "confuse its inline script element; this build cannot be inlined as it is");
        }
        var charts = JsonNodeFactory.instance.objectNode();
        var page = new StringBuilder(chartJs.length() + 32_768);
        page.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Tally: the lake at a glance</title>
                <style>
                """).append(Report.resource("dashboard/dashboard.css")).append("""
                </style>
                </head>
                <body>
                <header>
                <h1>Tally: the lake at a glance</h1>
                """);
        page.append("<p class=\"meta\">Generated <time datetime=\"").append(generatedAt(dashboard)).append("\">")
                .append(generatedAt(dashboard)).append("</time> from <code>").append(escape(dashboard.lake()))
                .append("</code>. Amounts are units with two decimals, exact from the lake's integer minor units.</p>\n")
                .append("</header>\n<main>\n");
        dailyTotals(page, charts, dashboard.dailyTotals());
        topMovers(page, charts, dashboard.topMovers());
        reconciliation(page, charts, dashboard.reconciliation());
        overdraftAudit(page, charts, dashboard.overdraftAudit());
        page.append("</main>\n<footer>Charts drawn by ").append(escape(chartJsName(chartJs)))
                .append(" (MIT licence), inlined into this page, which loads nothing from the network. "
                        + "Each figure's SQL runs unchanged on Athena and DuckDB: <code>./tally report NAME</code>.</footer>\n");
        var data = JsonNodeFactory.instance.objectNode();
        data.set("charts", charts);
        page.append("<script type=\"application/json\" id=\"").append(DATA_ID).append("\">").append(json(data))
                .append("</script>\n<script>\n").append(chartJs).append("\n</script>\n<script>\n")
                .append(Report.resource("dashboard/dashboard.js")).append("</script>\n</body>\n</html>\n");
        return page.toString();
    }

    /** The data island of a page {@link #html} wrote: the charts' specifications, by chart id under "charts". */
    public static JsonNode embeddedData(String html) {
        var open = "<script type=\"application/json\" id=\"" + DATA_ID + "\">";
        int start = html.indexOf(open);
        if (start < 0) {
            throw new IllegalArgumentException("the page has no " + DATA_ID + " element");
        }
        start += open.length();
        int end = html.indexOf("</script>", start);
        try {
            return JSON.readTree(html.substring(start, end));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the page's " + DATA_ID + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String generatedAt(Dashboard dashboard) {
        return dashboard.generatedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // --- the figures ---

    private static void dailyTotals(StringBuilder page, ObjectNode charts, Dashboard.Figure figure) {
        openSection(page, figure, "Daily totals", "Events and amounts per event date (UTC) and type, each event counted "
                + "once however often the lake received it.");
        if (figure instanceof Dashboard.Figure.Ran ran) {
            var result = ran.result();
            if (result.rows().isEmpty()) {
                notice(page, "empty", "The lake holds no events yet.");
            } else {
                int date = result.column(LakeTable.EVENT_DATE);
                int type = result.column(LakeTable.TYPE);
                int count = result.column("event_count");
                int total = result.column("total_amount");
                var dates = everyDate(new TreeSet<String>(result.rows().stream().map(r -> (String) r.get(date)).toList()));
                var types = new ArrayList<>(new TreeSet<String>(result.rows().stream().map(r -> (String) r.get(type)).toList()));
                var counts = new LinkedHashMap<String, Object[]>();
                var amounts = new LinkedHashMap<String, Object[]>();
                for (var name : types) {
                    counts.put(name, filled(dates.size(), 0L));
                    amounts.put(name, filled(dates.size(), 0L));
                }
                for (var row : result.rows()) {
                    int at = dates.indexOf((String) row.get(date));
                    counts.get((String) row.get(type))[at] = row.get(count);
                    amounts.get((String) row.get(type))[at] = row.get(total);
                }
                var kind = dates.size() > MAX_DATES_AS_BARS ? "line" : "bar";
                var events = chart(kind, "count", "events", dates);
                var money = chart(kind, "money", "amount (units)", dates);
                for (int i = 0; i < types.size(); i++) {
                    var name = types.get(i);
                    var color = PALETTE[i % PALETTE.length];
                    dataset(events, name, color, counts.get(name));
                    // a type that never moves money (an opening) would be a line along zero
                    if (Arrays.stream(amounts.get(name)).anyMatch(a -> signum(a) != 0)) {
                        dataset(money, name, color, amounts.get(name));
                    }
                }
                charts.set(DAILY_EVENTS, events);
                charts.set(DAILY_AMOUNTS, money);
                page.append("<div class=\"pair\">");
                canvas(page, DAILY_EVENTS, "events per day and type");
                canvas(page, DAILY_AMOUNTS, "amount per day and type");
                page.append("</div>\n<p class=\"caption\">").append(dates.size()).append(dates.size() == 1 ? " date" : " dates")
                        .append(", ").append(escape(dates.getFirst())).append(dates.size() > 1 ? " to " + escape(dates.getLast()) : "")
                        .append(".</p>\n");
            }
        }
        closeSection(page, figure);
    }

    /**
     * Every date from the first to the last of {@code dates}: a day without events (an outage, a quiet Sunday) is a
     * point at zero, not a day that silently drops out of the axis.
     */
    static List<String> everyDate(java.util.SortedSet<String> dates) {
        var every = new ArrayList<String>();
        var last = java.time.LocalDate.parse(dates.last());
        for (var day = java.time.LocalDate.parse(dates.first()); !day.isAfter(last); day = day.plusDays(1)) {
            every.add(day.toString());
        }
        return every;
    }

    private static void topMovers(StringBuilder page, ObjectNode charts, Dashboard.Figure figure) {
        if (!(figure instanceof Dashboard.Figure.Ran ran) || ran.result().rows().isEmpty()) {
            openSection(page, figure, "Top movers", "The accounts whose balance moved most on the latest event date.");
            if (figure instanceof Dashboard.Figure.Ran) {
                notice(page, "empty", "No money has moved yet.");
            }
            closeSection(page, figure);
            return;
        }
        var result = ran.result();
        int date = result.column(LakeTable.EVENT_DATE);
        var latest = result.rows().stream().map(r -> (String) r.get(date)).max(String::compareTo).orElseThrow();
        var rows = result.rows().stream().filter(r -> latest.equals(r.get(date))).toList();
        openSection(page, figure, "Top movers on " + latest, "The accounts whose balance moved most on the latest event "
                + "date (UTC), by the absolute net change.");
        int rank = result.column("mover_rank");
        int account = result.column(LakeTable.ACCOUNT_ID);
        int credited = result.column("credited");
        int withdrawn = result.column("withdrawn");
        int net = result.column("net_change");
        var spec = chart("bar", "money", "net change (units)", rows.stream().map(r -> shortId((String) r.get(account))).toList());
        spec.put("horizontal", true);
        var titles = spec.putArray("titles");
        rows.forEach(r -> titles.add((String) r.get(account)));
        var colors = rows.stream().map(r -> signum(r.get(net)) < 0 ? BAD : GOOD).toList();
        dataset(spec, "net change", colors, rows.stream().map(r -> r.get(net)).toArray());
        charts.set(TOP_MOVERS, spec);
        page.append("<div class=\"pair movers\">\n");
        canvas(page, TOP_MOVERS, "net change per account on " + latest);
        page.append("<div>\n");
        table(page, List.of("rank", "account", "credited", "withdrawn", "net change"), rows, r -> List.of(
                Objects.toString(r.get(rank)), (String) r.get(account), units(r.get(credited)), units(r.get(withdrawn)),
                units(r.get(net))), List.of(TEXT, ID, NUMBER, NUMBER, NUMBER), "top-movers");
        page.append("</div>\n</div>\n");
        closeSection(page, figure);
    }

    private static void reconciliation(StringBuilder page, ObjectNode charts, Dashboard.Figure figure) {
        openSection(page, figure, "Reconciliation", "Each account in the lake against the events table: number of "
                + "events, last version and balance.");
        if (figure instanceof Dashboard.Figure.Ran ran) {
            var result = ran.result();
            int status = result.column("status");
            var perStatus = countsBy(result, status);
            var differing = result.rows().stream().filter(r -> !OK_STATUS.equals(r.get(status))).toList();
            if (result.rows().isEmpty()) {
                notice(page, "empty", "Neither the lake nor the events table holds an account yet.");
            } else {
                countChart(page, charts, RECONCILIATION, "accounts", "accounts per reconciliation status", perStatus,
                        s -> OK_STATUS.equals(s) ? GOOD : BAD, differing.isEmpty()
                                ? summary -> notice(summary, "good", "Every one of the " + result.rows().size() + " accounts "
                                        + "reconciles: the lake holds exactly the events table's history.")
                                : summary -> summary.append("<p class=\"caption\">").append(differing.size()).append(" of ")
                                        .append(result.rows().size()).append(" accounts differ, listed below. Run it when "
                                                + "the pipeline is idle: events still in flight show as differences.</p>\n"));
                if (!differing.isEmpty()) {
                    table(page, List.of("account", "status", "events (table)", "events (lake)", "last version (table)",
                            "last version (lake)", "balance (table)", "balance (lake)"), differing, r -> List.of(
                            (String) r.get(result.column(LakeTable.ACCOUNT_ID)), (String) r.get(status),
                            text(r.get(result.column("table_event_count"))), text(r.get(result.column("lake_event_count"))),
                            text(r.get(result.column("table_last_version"))), text(r.get(result.column("lake_last_version"))),
                            unitsOrDash(r.get(result.column("table_balance"))), unitsOrDash(r.get(result.column("lake_balance")))),
                            List.of(ID, TEXT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER), "reconciliation");
                }
            }
        }
        closeSection(page, figure);
    }

    private static void overdraftAudit(StringBuilder page, ObjectNode charts, Dashboard.Figure figure) {
        openSection(page, figure, "Overdraft audit", "Every account's events replayed in version order: any event where "
                + "the balance goes below zero, disagrees with the recorded one, or follows a missing version.");
        if (figure instanceof Dashboard.Figure.Ran ran) {
            var result = ran.result();
            if (result.rows().isEmpty()) {
                notice(page, "good sound", "Sound: no event overdraws an account, disagrees with its recorded balance or "
                        + "follows a missing version.");
            } else {
                int problem = result.column("problem");
                countChart(page, charts, OVERDRAFT_AUDIT, "events", "events per problem found", countsBy(result, problem),
                        p -> BAD, summary -> summary.append("<p class=\"caption\">").append(result.rows().size())
                                .append(result.rows().size() == 1 ? " event" : " events")
                                .append(" of the lake need a look, listed below.</p>\n"));
                table(page, List.of("event date", "account", "version", "type", "amount", "replayed balance",
                        "recorded balance", "problem"), result.rows(), r -> List.of(
                        (String) r.get(result.column(LakeTable.EVENT_DATE)), (String) r.get(result.column(LakeTable.ACCOUNT_ID)),
                        text(r.get(result.column(LakeTable.VERSION))), (String) r.get(result.column(LakeTable.TYPE)),
                        units(r.get(result.column(LakeTable.AMOUNT))), units(r.get(result.column("running_balance"))),
                        units(r.get(result.column(LakeTable.BALANCE_AFTER))), (String) r.get(problem)),
                        List.of(TEXT, ID, NUMBER, TEXT, NUMBER, NUMBER, NUMBER, PROSE), "overdraft-audit");
            }
        }
        closeSection(page, figure);
    }

    // --- parts of figures ---

    private static void openSection(StringBuilder page, Dashboard.Figure figure, String title, String caption) {
        page.append("<section class=\"figure\" id=\"").append(escape(figure.reportName())).append("\">\n<h2>")
                .append(escape(title)).append("</h2>\n<p class=\"caption\">").append(escape(caption)).append("</p>\n");
        if (figure instanceof Dashboard.Figure.NotRun notRun) {
            notice(page, "not-run", "Not run: " + notRun.because());
        }
    }

    /** The SQL, one click away, then the end of the section. */
    private static void closeSection(StringBuilder page, Dashboard.Figure figure) {
        page.append("<details class=\"sql\" data-report=\"").append(escape(figure.reportName())).append("\"><summary>SQL: ")
                .append(escape(figure.reportName())).append(".sql</summary><pre><code>").append(escape(figure.sql().strip()))
                .append("</code></pre></details>\n</section>\n");
    }

    private static void notice(StringBuilder page, String kind, String text) {
        page.append("<p class=\"notice ").append(kind).append("\">").append(escape(text)).append("</p>\n");
    }

    private static void canvas(StringBuilder page, String chart, String label) {
        page.append("<div class=\"chart\"><canvas data-chart=\"").append(chart).append("\" role=\"img\" aria-label=\"")
                .append(escape(label)).append("\"></canvas></div>\n");
    }

    /** A bar per value with its count, beside the counts in figures and {@code summary}. */
    private static void countChart(StringBuilder page, ObjectNode charts, String id, String what, String label,
                                   LinkedHashMap<String, Long> counts, Function<String, String> color,
                                   Consumer<StringBuilder> summary) {
        var spec = chart("bar", "count", what, List.copyOf(counts.keySet()));
        spec.put("horizontal", true);
        dataset(spec, what, counts.keySet().stream().map(color).toList(), counts.values().toArray());
        charts.set(id, spec);
        page.append("<div class=\"pair counted\">\n");
        canvas(page, id, label);
        page.append("<div>\n<p class=\"counts\">");
        counts.forEach((value, count) -> page.append("<span class=\"count\" style=\"border-color: ").append(color.apply(value))
                .append("\"><b>").append(count).append("</b> ").append(escape(value)).append("</span> "));
        page.append("</p>\n");
        summary.accept(page);
        page.append("</div>\n</div>\n");
    }

    /** The number of rows per value of {@code column}, in the order the values first appear (the report's order). */
    private static LinkedHashMap<String, Long> countsBy(ReportResult result, int column) {
        var counts = new LinkedHashMap<String, Long>();
        result.rows().forEach(r -> counts.merge(Objects.toString(r.get(column)), 1L, Long::sum));
        return counts;
    }

    /** How a table column is set: its CSS class. */
    enum Column {
        TEXT("text"), ID("id"), NUMBER("num"), PROSE("prose");

        final String style;

        Column(String style) {
            this.style = style;
        }
    }

    private static void table(StringBuilder page, List<String> headings, List<List<Object>> rows,
                              Function<List<Object>, List<String>> cells, List<Column> columns, String report) {
        page.append("<table>\n<thead><tr>");
        for (int i = 0; i < headings.size(); i++) {
            page.append("<th class=\"").append(columns.get(i).style).append("\">").append(escape(headings.get(i))).append("</th>");
        }
        page.append("</tr></thead>\n<tbody>\n");
        for (var row : rows.subList(0, Math.min(rows.size(), MAX_TABLE_ROWS))) {
            page.append("<tr>");
            var values = cells.apply(row);
            for (int i = 0; i < values.size(); i++) {
                page.append("<td class=\"").append(columns.get(i).style).append("\">").append(escape(values.get(i))).append("</td>");
            }
            page.append("</tr>\n");
        }
        page.append("</tbody>\n</table>\n");
        if (rows.size() > MAX_TABLE_ROWS) {
            page.append("<p class=\"caption\">The first ").append(MAX_TABLE_ROWS).append(" of ").append(rows.size())
                    .append(" rows; all of them: <code>./tally report ").append(escape(report)).append("</code>.</p>\n");
        }
    }

    // --- chart specifications (the data island) ---

    private static ObjectNode chart(String type, String unit, String axis, List<String> labels) {
        var spec = JsonNodeFactory.instance.objectNode();
        spec.put("type", type);
        spec.put("unit", unit);
        spec.put("axis", axis);
        var array = spec.putArray("labels");
        labels.forEach(array::add);
        spec.putArray("datasets");
        return spec;
    }

    /** A dataset whose bars each have a colour of their own, {@code colors}, one per value. */
    private static void dataset(ObjectNode chart, String label, List<String> colors, Object[] values) {
        var dataset = dataset(chart, label, colors.isEmpty() ? PALETTE[0] : colors.getFirst(), values);
        var array = dataset.putArray("colors");
        colors.forEach(array::add);
    }

    /** A dataset in one colour. */
    private static ObjectNode dataset(ObjectNode chart, String label, String color, Object[] values) {
        var dataset = ((ArrayNode) chart.get("datasets")).addObject();
        dataset.put("label", label);
        dataset.put("color", color);
        var array = dataset.putArray("values");
        for (var value : values) {
            array.add(integer(value));
        }
        return dataset;
    }

    /** A whole number for the page's script: a JSON number while JavaScript holds it exactly, else its digits. */
    static JsonNode integer(Object value) {
        var factory = JsonNodeFactory.instance;
        return switch (value) {
            case null -> factory.nullNode();
            case Long l when Math.abs(l) <= MAX_EXACT_IN_JAVASCRIPT -> factory.numberNode(l);
            case Long l -> factory.textNode(Long.toString(l));
            case BigDecimal d -> d.abs().compareTo(BigDecimal.valueOf(MAX_EXACT_IN_JAVASCRIPT)) <= 0 && d.stripTrailingZeros().scale() <= 0
                    ? factory.numberNode(d.longValueExact()) : factory.textNode(d.toPlainString());
            default -> throw new IllegalArgumentException("not a whole number: " + value + " (" + value.getClass().getName() + ")");
        };
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the dashboard's data as JSON", e);
        }
    }

    /** JSON that can sit inside a script element: {@code <}, {@code >} and {@code &} as unicode escapes. */
    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private final int[] escapes;

        ScriptSafeEscapes() {
            escapes = standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    // --- text ---

    /** Text for an HTML element or a quoted attribute. */
    static String escape(String text) {
        var escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Minor units as units with two decimals and thousands separated, exactly: {@code 123456} is {@code 1,234.56}.
     * Formatted from the integer as a decimal, never through floating point.
     */
    static String units(Object minorUnits) {
        var minor = switch (minorUnits) {
            case Long l -> BigDecimal.valueOf(l);
            case BigDecimal d -> d;
            default -> throw new IllegalArgumentException("not an amount in minor units: " + minorUnits);
        };
        return String.format(Locale.ROOT, "%,.2f", minor.movePointLeft(2));
    }

    private static String unitsOrDash(Object minorUnits) {
        return minorUnits == null ? "-" : units(minorUnits);
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static int signum(Object minorUnits) {
        return switch (minorUnits) {
            case null -> 0;
            case Long l -> Long.signum(l);
            case BigDecimal d -> d.signum();
            default -> 0;
        };
    }

    private static Object[] filled(int size, Object value) {
        var values = new Object[size];
        Arrays.fill(values, value);
        return values;
    }

    private static String shortId(String accountId) {
        return accountId.length() > 8 ? accountId.substring(0, 8) + "\u2026" : accountId;
    }

    private static final Pattern CHART_JS_VERSION = Pattern.compile("Chart\\.js v(\\d+\\.\\d+\\.\\d+)");

    /** "Chart.js 4.6.2", from the build's licence header. */
    private static String chartJsName(String chartJs) {
        var version = CHART_JS_VERSION.matcher(chartJs.substring(0, Math.min(chartJs.length(), 512)));
        return version.find() ? "Chart.js " + version.group(1) : "Chart.js";
    }
}
