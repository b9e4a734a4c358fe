package dev.tally.domain;

import java.util.Objects;

/**
 * Who is calling, as the core sees it: a subject, taken by the adapters from whatever authenticated the request
 * (the verified JWT's {@code sub} behind API Gateway; the HTTP adapters refuse a request without one). Idempotency
 * keys are scoped by the subject. {@link #ANONYMOUS} is for tests that drive the core directly.
 */
public record Principal(String subject) {

    public static final Principal ANONYMOUS = new Principal("anonymous");

    public Principal {
        Objects.requireNonNull(subject, "subject");
    }
}
