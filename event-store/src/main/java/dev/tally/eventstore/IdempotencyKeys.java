package dev.tally.eventstore;

import dev.tally.domain.Principal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Idempotency keys are scoped by caller, its issuer and subject: two callers may use the same key, and so may the same
 * subject at two issuers. The stored form is {@code <url-encoded principal key>#<client key>}; the encoding keeps
 * {@code #} out of the first part, so the client's key can always be recovered (it is what the published events show).
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    public static String scoped(Principal principal, String clientKey) {
        return URLEncoder.encode(principal.key(), StandardCharsets.UTF_8) + "#" + clientKey;
    }

    /** The key as the client sent it. */
    public static String clientKey(String scoped) {
        return scoped.substring(scoped.indexOf('#') + 1);
    }
}
