package dev.tally.standins.apigateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A copy of an HTTP API's JWT authorizer, following
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html">Control access
 * to HTTP APIs with JWT authorizers</a> and
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html">Troubleshooting
 * HTTP API JWT authorizers</a>, with the identity source {@code $request.header.Authorization}:
 * <ol>
 *   <li>the token is the header's value, alone or prefixed with {@code Bearer };</li>
 *   <li>its algorithm must be RSA-based ({@code RS256}, {@code RS384}, {@code RS512}; {@code none}, HMAC and the
 *       rest are refused) and its signature must verify with the issuer's key named by its {@code kid} header
 *       ({@link IssuerKeys}: OIDC discovery, the JWKS, a two-hour cache);</li>
 *   <li>then the claims, in the documented order: {@code iss} equals the issuer; {@code aud} is one of the
 *       audiences, or, only when the token has no {@code aud}, {@code client_id} is; {@code exp} is after the
 *       current time; {@code nbf} and {@code iat}, when present, are not after it. AWS documents no clock-skew
 *       allowance, so there is none;</li>
 *   <li>if the route has authorization scopes, the token's {@code scope} (space-separated) or {@code scp} (a string
 *       or an array) must hold at least one of them.</li>
 * </ol>
 * A failure in steps 1 to 3 is a {@link Unauthorized} (API Gateway's {@code 401 {"message":"Unauthorized"}}), a
 * failure in step 4 a {@link Forbidden} ({@code 403 {"message":"Forbidden"}}). A token that passes is
 * {@link Allowed} with its claims flattened to strings ({@link JwtClaimValues}) and its scopes, which AWS fills in
 * only for a route that has authorization scopes and leaves {@code null} otherwise. {@code sub} is not checked: API
 * Gateway doesn't require it, so a token without one reaches the integration, here as in AWS.
 */
public final class JwtAuthorizer {

    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    private static final String BEARER = "Bearer ";

    /** What the authorizer decided about one request. */
    public sealed interface Decision permits Allowed, Unauthorized, Forbidden {
    }

    /**
     * The token is good: these go to the integration in {@code requestContext.authorizer.jwt}.
     *
     * @param scopes the token's scopes, or {@code null} when the route has no authorization scopes (as AWS sends)
     */
    public record Allowed(Map<String, String> claims, List<String> scopes) implements Decision {
    }

    /**
     * A 401: no token, or one that fails a check.
     *
     * @param reason          what failed, for logs and tests
     * @param wwwAuthenticate the {@code www-authenticate} header API Gateway sends with a refused token, in the form the
     *                        troubleshooting page shows; empty when no token was presented
     */
    public record Unauthorized(String reason, Optional<String> wwwAuthenticate) implements Decision {
    }

    /** A 403: the token is good but holds none of the route's authorization scopes. */
    public record Forbidden(List<String> routeScopes, List<String> tokenScopes) implements Decision {
    }

    /** How many verified tokens are remembered; when full, the memory starts again. */
    static final int VERIFIED_TOKENS = 1024;

    private final String issuer;
    private final List<String> audiences;
    /**
     * Tokens whose signature verified, with their key id and claims: a client sends the same token with every request
     * until it expires, and checking an RSA signature again each time is the authorizer's largest cost. Only the
     * signature is remembered, with the key that verified it; that key must still be the one the issuer's JWKS names
     * by the token's kid, and the claims are checked against the clock on every request, so the decisions are the same.
     */
    private final Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(String keyId, RSAKey key, Map<String, Object> claims) {
    }
    private final Clock clock;
    private final IssuerKeys keys;
    private final HttpClient ownHttp;

    /**
     * @param issuer    the authorizer's {@code Issuer}, exactly as tokens carry it in {@code iss}
     * @param audiences the authorizer's {@code Audience} list
     * @param clock     the time that {@code exp}, {@code nbf}, {@code iat} and the key cache are measured against
     * @param http      fetches the issuer's discovery document and JWKS
     */
    public JwtAuthorizer(String issuer, List<String> audiences, Clock clock, HttpClient http) {
        this(issuer, audiences, clock, http, null);
    }

    /** With the system clock and an HTTP client of its own, which {@link #close()} closes. */
    public JwtAuthorizer(String issuer, List<String> audiences) {
        this(issuer, audiences, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    private JwtAuthorizer(String issuer, List<String> audiences, HttpClient own) {
        this(issuer, audiences, Clock.systemUTC(), own, own);
    }

    private JwtAuthorizer(String issuer, List<String> audiences, Clock clock, HttpClient http, HttpClient ownHttp) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = List.copyOf(audiences);
        if (this.audiences.isEmpty()) {
            throw new IllegalArgumentException("a JWT authorizer needs at least one audience, as API Gateway's does");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = new IssuerKeys(issuer, clock, Objects.requireNonNull(http, "http"));
        this.ownHttp = ownHttp;
    }

    /**
     * @param authorization the request's {@code Authorization} header, or {@code null} if it has none
     * @param routeScopes   the route's {@code authorizationScopes}, empty for none
     */
    public Decision authorize(String authorization, List<String> routeScopes) {
        try {
            return check(authorization, routeScopes);
        } catch (RuntimeException e) {
            // a token that breaks a check (a timestamp beyond Instant's range, say) is a bad token, never a 500
            return new Unauthorized("the token could not be checked: " + e.getMessage(), Optional.empty());
        }
    }

    /** Closes the HTTP client that fetches the issuer's keys, if this authorizer made it. */
    public void close() {
        if (ownHttp != null) {
            ownHttp.close();
        }
    }

    private Decision check(String authorization, List<String> routeScopes) {
        if (authorization == null || authorization.isBlank()) {
            return new Unauthorized("the request has no Authorization header", Optional.empty());
        }
        var token = (authorization.startsWith(BEARER) ? authorization.substring(BEARER.length()) : authorization).strip();
        var known = verified.get(token);
        if (known != null) {
            Optional<RSAKey> key;
            try {
                key = keys.find(known.keyId());
            } catch (IssuerKeys.Unavailable e) {
                verified.remove(token);
                return unavailable(e);
            }
            if (key.filter(known.key()::equals).isPresent()) {
                var decision = checkClaims(known.claims(), routeScopes);
                if (decision instanceof Unauthorized) {
                    // expired, say: it will not pass again
                    verified.remove(token);
                }
                return decision;
            }
            // the kid left the JWKS, or names another key now: verified again below, against what it names
            verified.remove(token);
        }
        SignedJWT jwt;
        Map<String, Object> claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getPayload().toJSONObject();
        } catch (ParseException | IllegalArgumentException e) {
            return refused("the token is not a signed JWT");
        }
        if (claims == null) {
            return refused("the token's payload is not a JSON object");
        }
        var header = jwt.getHeader();
        if (!RSA_ALGORITHMS.contains(header.getAlgorithm())) {
            return refused("the token's signing algorithm is not supported");
        }
        if (header.getKeyID() == null) {
            return refused("the token has no kid");
        }
        try {
            var key = keys.find(header.getKeyID());
            if (key.isEmpty()) {
                return refused("the token's kid is not in the issuer's JWKS");
            }
            if (!jwt.verify(new RSASSAVerifier(key.get()))) {
                return refused("the token's signature is invalid");
            }
            var decision = checkClaims(claims, routeScopes);
            if (!(decision instanceof Unauthorized)) {
                // only a token that may pass again is remembered
                if (verified.size() >= VERIFIED_TOKENS) {
                    verified.clear();
                }
                verified.put(token, new Verified(header.getKeyID(), key.get(), claims));
            }
            return decision;
        } catch (IssuerKeys.Unavailable e) {
            return unavailable(e);
        } catch (JOSEException e) {
            return refused("the token's signature cannot be verified");
        }
    }

    private Decision checkClaims(Map<String, Object> claims, List<String> routeScopes) {
        var now = clock.instant();
        if (!issuer.equals(claims.get("iss"))) {
            return refused("the token does not have a valid issuer");
        }
        var audienceClaim = claims.containsKey("aud") ? claims.get("aud") : claims.get("client_id");
        if (strings(audienceClaim).stream().noneMatch(audiences::contains)) {
            return refused("the token does not have a valid audience");
        }
        var expires = instant(claims.get("exp"));
        if (expires.isEmpty() || !now.isBefore(expires.get())) {
            return refused("the token has expired");
        }
        if (claims.containsKey("nbf") && instant(claims.get("nbf")).filter(nbf -> !nbf.isAfter(now)).isEmpty()) {
            return refused("the token is not valid yet");
        }
        if (claims.containsKey("iat") && instant(claims.get("iat")).filter(iat -> !iat.isAfter(now)).isEmpty()) {
            return refused("the token was issued in the future");
        }
        var tokenScopes = new LinkedHashSet<String>();
        if (claims.get("scope") instanceof String scope) {
            tokenScopes.addAll(spaceSeparated(scope));
        }
        var scp = claims.get("scp");
        tokenScopes.addAll(scp instanceof String text ? spaceSeparated(text) : strings(scp));
        if (routeScopes.isEmpty()) {
            return new Allowed(JwtClaimValues.flatten(claims), null);
        }
        if (routeScopes.stream().noneMatch(tokenScopes::contains)) {
            return new Forbidden(List.copyOf(routeScopes), List.copyOf(tokenScopes));
        }
        return new Allowed(JwtClaimValues.flatten(claims), List.copyOf(tokenScopes));
    }

    /** A misconfigured or stopped issuer refuses every token, so say why where someone will look. */
    private static Unauthorized unavailable(IssuerKeys.Unavailable e) {
        System.err.println("[JWT authorizer] " + e.getMessage());
        return new Unauthorized(e.getMessage(), refused("the issuer's signing keys are unavailable").wwwAuthenticate());
    }

    /** The challenge in the form the troubleshooting page shows, which names what failed. */
    private static Unauthorized refused(String description) {
        return new Unauthorized(description, Optional.of(
                "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + description.replace('"', '\'') + "\""));
    }

    /** A JSON string, or the strings of a JSON array; nothing else counts. */
    private static List<String> strings(Object claim) {
        if (claim instanceof String text) {
            return List.of(text);
        }
        var strings = new ArrayList<String>();
        if (claim instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(strings::add);
        }
        return strings;
    }

    private static List<String> spaceSeparated(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split(" +"));
    }

    /** A NumericDate (RFC 7519 section 2): seconds since the epoch, possibly fractional. */
    private static Optional<Instant> instant(Object claim) {
        return switch (claim) {
            case Long seconds -> Optional.of(Instant.ofEpochSecond(seconds));
            case Integer seconds -> Optional.of(Instant.ofEpochSecond(seconds));
            case Double seconds when Double.isFinite(seconds) && Math.abs(seconds) < 1e15 ->
                    Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
            case null, default -> Optional.empty();
        };
    }
}
