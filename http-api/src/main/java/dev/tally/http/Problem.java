package dev.tally.http;

/**
 * An RFC 9457 problem: what went wrong, and for a client mistake, the field and the value at fault.
 *
 * @param slug  the last part of the problem type URI, e.g. {@code invalid-amount}
 * @param field the request field at fault, or null
 * @param value the offending value as received, or null
 */
public record Problem(int status, String slug, String title, String detail, String field, String value) {

    public static Problem badRequest(String slug, String title, String detail, String field, String value) {
        return new Problem(400, slug, title, detail, field, value);
    }
}
