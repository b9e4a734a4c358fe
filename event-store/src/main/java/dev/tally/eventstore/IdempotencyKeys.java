package dev.tally.eventstore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Idempotency keys are scoped by caller: two callers may use the same key. The stored form is
 * {@code <url-encoded principal>#<client key>}; the encoding keeps {@code #} out of the first part, so the client's
 * key can always be recovered (it is what the published events show).
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    public static String scoped(String principal, String clientKey) {
        return URLEncoder.encode(principal, StandardCharsets.UTF_8) + "#" + clientKey;
    }

    /** The key as the client sent it. */
    public static String clientKey(String scoped) {
        return scoped.substring(scoped.indexOf('#') + 1);
    }
}
