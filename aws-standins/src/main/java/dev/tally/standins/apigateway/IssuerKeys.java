package dev.tally.standins.apigateway;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An issuer's public signing keys, found as API Gateway finds them: OIDC discovery
 * ({@code {issuer}/.well-known/openid-configuration}) names the {@code jwks_uri}, and the JWKS there holds the keys
 * by {@code kid}. Only RSA signing keys are kept, since API Gateway supports only RSA-based algorithms.
 *
 * <p>The keys are cached for {@link #CACHE_FOR}, as API Gateway "can cache the public keys for two hours"
 * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html">Control access
 * to HTTP APIs with JWT authorizers</a>). A token naming a {@code kid} the cache doesn't hold triggers a refetch, at
 * most once every {@link #REFETCH_AT_MOST_EVERY}, so a key published before it signs anything is picked up, while a
 * stream of tokens with made-up {@code kid}s cannot turn the gateway into a load generator against the issuer. Times
 * come from the given {@link Clock}.
 */
final class IssuerKeys {

    static final Duration CACHE_FOR = Duration.ofHours(2);
    static final Duration REFETCH_AT_MOST_EVERY = Duration.ofSeconds(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    /** The issuer's keys could not be fetched or read; the message says which step failed and why. */
    static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }

        Unavailable(String message) {
            super(message);
        }
    }

    private record Fetched(Map<String, RSAKey> byKeyId, Instant at) {
    }

    private final String issuer;
    private final URI discovery;
    private final Clock clock;
    private final HttpClient http;
    private Fetched fetched;
    private Instant lastAttempt;

    IssuerKeys(String issuer, Clock clock, HttpClient http) {
        this.issuer = issuer;
        // OIDC Discovery 1.0 section 4: remove any trailing "/" before appending the well-known path
        var base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.discovery = URI.create(base + "/.well-known/openid-configuration");
        this.clock = clock;
        this.http = http;
    }

    /**
     * The RSA signing key with this {@code kid}, or empty if the issuer doesn't publish one.
     *
     * @throws Unavailable if the keys had to be fetched and could not be; the caller refuses the token
     */
    synchronized Optional<RSAKey> find(String kid) throws Unavailable {
        var now = clock.instant();
        // Every fetch is throttled, the first and the 2-hour refresh too, so a slow or absent issuer cannot make
        // each request wait for its own fetch; and a failed refresh keeps serving the keys already known.
        boolean mayFetch = lastAttempt == null || !now.isBefore(lastAttempt.plus(REFETCH_AT_MOST_EVERY));
        boolean stale = fetched == null || !now.isBefore(fetched.at().plus(CACHE_FOR));
        boolean attempted = false;
        if (stale && mayFetch) {
            attempted = true;
            try {
                fetch(now);
            } catch (Unavailable e) {
                // stale keys serve for one more cache period at most: a key the issuer withdrew must stop verifying
                if (fetched == null || !now.isBefore(fetched.at().plus(CACHE_FOR.multipliedBy(2)))) {
                    throw e;
                }
            }
        }
        if (fetched == null) {
            throw new Unavailable("the issuer's keys could not be fetched; trying again at most every "
                    + REFETCH_AT_MOST_EVERY.toSeconds() + " s");
        }
        var key = fetched.byKeyId().get(kid);
        if (key == null && mayFetch && !attempted) {
            fetch(now);
            key = fetched.byKeyId().get(kid);
        }
        return Optional.ofNullable(key);
    }

    private void fetch(Instant now) throws Unavailable {
        lastAttempt = now;
        Map<String, Object> configuration;
        try {
            configuration = JSONObjectUtils.parse(get(discovery));
        } catch (ParseException e) {
            throw new Unavailable("the OIDC discovery document at " + discovery + " is not a JSON object", e);
        }
        if (!issuer.equals(configuration.get("issuer"))) {
            // OIDC Discovery 1.0 section 4.3: the issuer in the document must be the one it was fetched for
            throw new Unavailable("the OIDC discovery document at " + discovery + " names issuer "
                    + configuration.get("issuer") + ", not " + issuer);
        }
        if (!(configuration.get("jwks_uri") instanceof String jwksUri)) {
            throw new Unavailable("the OIDC discovery document at " + discovery + " has no jwks_uri");
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(get(URI.create(jwksUri)));
        } catch (ParseException | IllegalArgumentException e) {
            throw new Unavailable("the JWKS at " + jwksUri + " cannot be read: " + e.getMessage(), e);
        }
        var rsa = keys.getKeys().stream()
                .filter(key -> key instanceof RSAKey && key.getKeyID() != null)
                .filter(key -> key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))
                .map(key -> ((RSAKey) key).toPublicJWK())
                .collect(Collectors.toUnmodifiableMap(RSAKey::getKeyID, key -> key, (first, second) -> first));
        fetched = new Fetched(rsa, now);
    }

    private String get(URI uri) throws Unavailable {
        try {
            var response = http.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Unavailable("GET " + uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new Unavailable("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while fetching " + uri, e);
        }
    }
}
