package dev.tally.analytics;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An analyst's own SQL, checked before any engine sees it: exactly one statement, and a query (it reads; it cannot
 * create, change or drop anything, in the lake or in Athena's catalog), with the constructs that would not run on
 * both engines found ({@link PortableSql}).
 *
 * @param sql      the statement as written, without a trailing semicolon
 * @param findings its non-portable constructs, empty when it is portable as far as the text shows
 */
public record AdHocQuery(String sql, List<PortableSql.Finding> findings) {

    private static final Pattern QUERY_START = Pattern.compile("[\\s(]*(select|with|values)\\b", Pattern.CASE_INSENSITIVE);

    public AdHocQuery {
        findings = List.copyOf(findings);
    }

    /** @throws IllegalArgumentException naming what is wrong and where, when the text is not one query */
    public static AdHocQuery of(String text) {
        var unterminated = PortableSql.unterminated(text);
        if (unterminated.isPresent()) {
            int at = unterminated.getAsInt();
            var what = text.startsWith("/*", at) ? "comment" : text.charAt(at) == '"' ? "quoted name" : "string literal";
            throw new IllegalArgumentException("the " + what + " that starts at " + PortableSql.Position.of(text, at)
                    + " is never closed");
        }
        var code = PortableSql.codeOnly(text);
        var trimmed = code.stripTrailing();
        var sql = text.substring(0, trimmed.length());
        if (trimmed.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isBlank()) {
            throw new IllegalArgumentException("the query is empty");
        }
        int semicolon = trimmed.indexOf(';');
        if (semicolon >= 0) {
            throw new IllegalArgumentException("more than one statement: a second one starts after the ';' at "
                    + PortableSql.Position.of(text, semicolon) + "; run one query at a time");
        }
        var start = QUERY_START.matcher(trimmed);
        if (!start.lookingAt()) {
            int first = trimmed.length() - trimmed.stripLeading().length();
            var word = trimmed.stripLeading().split("\\s+", 2)[0];
            throw new IllegalArgumentException("not a query: it starts with '" + word + "' at " + PortableSql.Position.of(text, first)
                    + "; ./tally sql runs SELECT, WITH or VALUES only, and changes nothing");
        }
        return new AdHocQuery(sql, PortableSql.check(sql));
    }

    /** Whether the query names {@code table}, bare or quoted, outside comments and string literals. */
    public boolean reads(String table) {
        return Pattern.compile("\\b" + Pattern.quote(table) + "\\b", Pattern.CASE_INSENSITIVE)
                .matcher(PortableSql.codeAndNames(sql)).find();
    }
}
