package dev.tally.domain;

import java.util.Objects;

/**
 * Who acts: an identity as the token's issuer and subject together, so that two issuers' subjects never meet. The
 * adapters take it from whatever authenticated the request (the verified JWT's {@code iss} and {@code sub} behind API
 * Gateway; the HTTP adapters refuse a request without them). An account's owner is the principal that opened it;
 * idempotency keys are scoped by principal, and every event records the principal that caused it.
 *
 * @param issuer  the token issuer's identifier, an URL (OIDC requires https); it never contains whitespace
 * @param subject the issuer's identifier for the caller; any non-blank text
 */
public record Principal(String issuer, String subject) {

    public Principal {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        if (issuer.isEmpty() || issuer.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("issuer must be non-empty text without whitespace, was \"" + issuer + "\"");
        }
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
    }

    /**
     * The principal as one string, {@code "<issuer> <subject>"}: unambiguous, since an issuer has no whitespace. It is
     * what the owner index of the events table is keyed by.
     */
    public String key() {
        return issuer + " " + subject;
    }

    /** The principal whose {@link #key()} this is. */
    public static Principal ofKey(String key) {
        int space = key.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("not a principal key (\"<issuer> <subject>\"): " + key);
        }
        return new Principal(key.substring(0, space), key.substring(space + 1));
    }

    @Override
    public String toString() {
        return subject + " (" + issuer + ")";
    }
}
