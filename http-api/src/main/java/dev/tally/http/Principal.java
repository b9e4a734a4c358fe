package dev.tally.http;

/**
 * Who is calling. Today every caller is {@link #ANONYMOUS}; when the API requires a JWT this becomes the token's
 * subject, and account access is checked against it. Idempotency keys are already scoped by it.
 */
public record Principal(String subject) {

    public static final Principal ANONYMOUS = new Principal("anonymous");
}
