package dev.tally.domain;

import java.util.Objects;

/**
 * Who is calling, as the core sees it: a subject, taken by the adapters from whatever authenticated the request
 * (the JWT's {@code sub} behind API Gateway). Today callers without one are {@link #ANONYMOUS}; idempotency keys
 * are scoped by the subject.
 */
public record Principal(String subject) {

    public static final Principal ANONYMOUS = new Principal("anonymous");

    public Principal {
        Objects.requireNonNull(subject, "subject");
    }
}
