package dev.tally.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The portable subset (DESIGN.md): SQL that runs unchanged, with the same meaning, on Athena engine v3 (Trino) and
 * DuckDB. {@link #check} names every construct outside it that it can see, with where it is, so that the reports
 * (their test), saved queries (refused) and an analyst's own SQL (warned, or refused with {@code --strict}) are held to
 * one list.
 *
 * <p>It reads the text, not a parse tree: comments and the insides of string literals and quoted names are ignored,
 * so {@code '::'} or {@code -- QUALIFY} are not findings. It cannot see types, so it misses what only types reveal (the
 * {@code /} of two integers divides to a fraction in DuckDB and truncates in Athena); the engines stay the judge of
 * what it lets through.
 */
public final class PortableSql {

    private PortableSql() {
    }

    /** One construct that is not portable: what it is, where (1-based line and column), and what to write instead. */
    public record Finding(String construct, int line, int column, String instead) {
        @Override
        public String toString() {
            return new Position(line, column) + ": " + construct + " (" + instead + ")";
        }
    }

    /** Where a character of a text is: its line and column, both from 1. */
    public record Position(int line, int column) {
        public static Position of(String text, int index) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < index; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new Position(line, index - lineStart + 1);
        }

        @Override
        public String toString() {
            return "line " + line + ", column " + column;
        }
    }

    private record Rule(String construct, Pattern pattern, String instead) {
    }

    /** Matched, ignoring case, against the text with comments blanked and literals emptied (quotes kept). */
    private static final List<Rule> RULES = List.of(
            rule("GROUP BY ALL", "\\bgroup\\s+by\\s+all\\b", "name the grouping columns; in Athena ALL is a set quantifier, not every column"),
            rule("QUALIFY", "\\bqualify\\b", "DuckDB only; filter the window function's result in an outer SELECT"),
            rule("strftime()", "\\bstrftime\\s*\\(", "DuckDB only; compare dates or timestamps directly, or CAST them to varchar"),
            rule("date_format()", "\\bdate_format\\s*\\(", "Athena only (MySQL-style patterns); compare dates directly, or CAST to varchar"),
            rule("from_iso8601_timestamp()", "\\bfrom_iso8601_timestamp\\s*\\(",
                    "Athena only, and it gives a timestamp with time zone; CAST naive UTC text AS timestamp"),
            rule("the :: cast", "::", "DuckDB only; write CAST(x AS type)"),
            rule("// integer division", "//", "DuckDB only; write CAST(floor(CAST(a AS double) / b) AS bigint)"),
            rule("ILIKE", "\\bilike\\b", "DuckDB only; write lower(x) LIKE 'pattern'"),
            rule("arg_max()/arg_min()", "\\barg_(?:max|min)\\s*\\(", "DuckDB only; write max_by(x, y) or min_by(x, y)"),
            rule("SELECT * EXCLUDE", "\\bexclude\\s*\\(", "DuckDB only; list the columns you want"),
            rule("SELECT * REPLACE", "\\*\\s*replace\\s*\\(", "DuckDB only; list the columns, with the changed one as an expression"),
            rule("DISTINCT ON", "\\bdistinct\\s+on\\b", "DuckDB only; keep row_number() = 1 over a window in a subquery"),
            rule("list()", "\\blist\\s*\\(", "DuckDB only; write array_agg(x)"),
            rule("struct_pack()", "\\bstruct_pack\\s*\\(", "DuckDB only; write CAST(ROW(...) AS ROW(name type, ...))"),
            rule("reading a file directly", "\\bread_(?:parquet|csv|csv_auto|json|json_auto)\\s*\\(|(?<!distinct\\s{1,20})\\bfrom\\s+'",
                    "DuckDB only; query the tables (./tally sql --tables)"),
            rule("epoch_ms()", "\\bepoch_ms\\s*\\(", "DuckDB only; compare timestamps directly"),
            rule("ifnull()", "\\bifnull\\s*\\(", "DuckDB only; write coalesce(x, y)"),
            rule("hugeint", "\\bhugeint\\b", "DuckDB only; write bigint (overflow-checked in both) or decimal(38, 0)"),
            rule("LIMIT before OFFSET", "\\blimit\\s+\\d+\\s+offset\\b", "Athena wants OFFSET n LIMIT m, in that order"),
            rule("now()", "\\bnow\\s*\\(\\s*\\)",
                    "a timestamp with time zone in Athena, against naive UTC columns; use a literal or current_date"),
            rule("avg() of an uncast value", "\\bavg\\s*\\(\\s*(?!cast\\s*\\()",
                    "the result type follows the argument's and differs between the engines; write avg(CAST(x AS double))"),
            rule("string_agg()", "\\bstring_agg\\s*\\(", "DuckDB only; write array_join(array_agg(x), ',')"),
            rule("PIVOT/UNPIVOT", "\\b(?:un)?pivot\\b", "DuckDB only; write conditional aggregates: sum(CASE WHEN ... END)"),
            rule("USING SAMPLE", "\\busing\\s+sample\\b", "DuckDB only; write TABLESAMPLE BERNOULLI (p)"),
            rule("a `backquoted` name", "`[^`]*`?", "Athena's DDL syntax, refused by DuckDB and Athena queries; write \"name\""));

    private static Rule rule(String construct, String regex, String instead) {
        return new Rule(construct, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), instead);
    }

    /** Every non-portable construct in {@code sql}, in the order they appear. */
    public static List<Finding> check(String sql) {
        var code = codeOnly(sql); // matched case-insensitively: lower-casing could change offsets
        var findings = new ArrayList<Finding>();
        for (var rule : RULES) {
            var matcher = rule.pattern().matcher(code);
            while (matcher.find()) {
                var at = Position.of(sql, matcher.start());
                findings.add(new Finding(rule.construct(), at.line(), at.column(), rule.instead()));
            }
        }
        findings.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
        return List.copyOf(findings);
    }

    /** The constructs {@link #check} looks for, for help texts and docs. */
    public static List<String> constructs() {
        return RULES.stream().map(Rule::construct).toList();
    }

    /**
     * {@code sql} with the same length and line breaks, where comments are blanked and the insides of string literals
     * ({@code '...'}) and quoted names ({@code "..."}) are blanked too, their quotes kept: what is left is the code a
     * rule may match.
     */
    static String codeOnly(String sql) {
        return mask(sql, false).code();
    }

    /** Like {@link #codeOnly}, but quoted names are kept: for finding which tables a query names. */
    static String codeAndNames(String sql) {
        return mask(sql, true).code();
    }

    /** Where a string literal, quoted name or block comment starts that {@code sql} never closes, if one does. */
    static OptionalInt unterminated(String sql) {
        return mask(sql, false).unterminatedAt();
    }

    private record Masked(String code, OptionalInt unterminatedAt) {
    }

    private static Masked mask(String sql, boolean keepQuotedNames) {
        var out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    blank(sql, i, sql.length(), out);
                    return new Masked(out.toString(), OptionalInt.of(i));
                }
                blank(sql, i, end + 2, out);
                i = end + 2;
            } else if (c == '\'' || c == '"') {
                int end = closingQuote(sql, i, c);
                if (end < 0) {
                    out.append(c);
                    blank(sql, i + 1, sql.length(), out);
                    return new Masked(out.toString(), OptionalInt.of(i));
                }
                if (c == '"' && keepQuotedNames) {
                    out.append(sql, i, end);
                } else {
                    out.append(c);
                    blank(sql, i + 1, end - 1, out);
                    out.append(c);
                }
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Masked(out.toString(), OptionalInt.empty());
    }

    /** The index just after the quote closing the one at {@code start}, or -1; a doubled quote is an escaped one. */
    private static int closingQuote(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static void blank(String sql, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            out.append(sql.charAt(i) == '\n' ? '\n' : ' ');
        }
    }
}
