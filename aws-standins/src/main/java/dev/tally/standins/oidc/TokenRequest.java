package dev.tally.standins.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One token to mint, from {@link LocalIdentityProvider#token()}. By default it is a good one: issued by the provider,
 * now, for an hour, signed RS256 by the current key and naming it in {@code kid}. The other methods set any claim,
 * or spoil the token on purpose, to test that a verifier refuses it: expired, not yet valid, issued in the future,
 * from another issuer, for another audience, without {@code sub}, signed by a key the JWKS doesn't hold, signed
 * HS256 with the public key as the HMAC secret (the algorithm-confusion attack), or not signed at all
 * ({@code alg: none}). Times come from the provider's clock. Not thread-safe: build one token at a time.
 */
public final class TokenRequest {

    private enum Signing { CURRENT_KEY, UNKNOWN_KEY, HMAC_WITH_PUBLIC_KEY, NONE }

    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);

    private final Clock clock;
    private final Supplier<RSAKey> currentKey;
    private String issuer;
    private String subject;
    private List<String> audiences = List.of();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private Duration ttl = Duration.ofHours(1);
    private Instant issuedAt;
    private Instant notBefore;
    private Instant expiresAt;
    private Signing signing = Signing.CURRENT_KEY;
    private JWSAlgorithm algorithm = JWSAlgorithm.RS256;

    TokenRequest(String issuer, Clock clock, Supplier<RSAKey> currentKey) {
        this.issuer = issuer;
        this.clock = clock;
        this.currentKey = currentKey;
    }

    public TokenRequest subject(String subject) {
        this.subject = Objects.requireNonNull(subject, "subject; use withoutSubject() for a token without one");
        return this;
    }

    public TokenRequest withoutSubject() {
        this.subject = null;
        return this;
    }

    /** {@code aud}: one audience is written as a string, several as an array. */
    public TokenRequest audience(String... audiences) {
        this.audiences = List.of(audiences);
        return this;
    }

    /** No {@code aud}, as in a Cognito access token, which names its app client in {@code client_id} instead. */
    public TokenRequest withoutAudience() {
        this.audiences = List.of();
        return this;
    }

    public TokenRequest clientId(String clientId) {
        return claim("client_id", clientId);
    }

    /** {@code scope}, space-separated as RFC 8693 section 4.2 writes it; no scopes, no claim. */
    public TokenRequest scopes(Collection<String> scopes) {
        if (scopes.isEmpty()) {
            claims.remove("scope");
            return this;
        }
        return claim("scope", String.join(" ", scopes));
    }

    /** Any claim, with any JSON value (string, number, boolean, list, map); it overrides what the request sets. */
    public TokenRequest claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    /** {@code iss}: another issuer than this provider. */
    public TokenRequest issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    /** How long from {@code iat} until {@code exp}. */
    public TokenRequest ttl(Duration ttl) {
        this.ttl = ttl;
        return this;
    }

    public TokenRequest issuedAt(Instant issuedAt) {
        this.issuedAt = issuedAt;
        return this;
    }

    public TokenRequest notBefore(Instant notBefore) {
        this.notBefore = notBefore;
        return this;
    }

    public TokenRequest expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
        return this;
    }

    /** Issued an hour ago, expired a second ago. */
    public TokenRequest expired() {
        var now = clock.instant();
        return issuedAt(now.minus(Duration.ofHours(1))).expiresAt(now.minusSeconds(1));
    }

    /** {@code nbf} five minutes from now. */
    public TokenRequest notYetValid() {
        return notBefore(clock.instant().plus(Duration.ofMinutes(5)));
    }

    /** {@code iat} five minutes from now. */
    public TokenRequest issuedInTheFuture() {
        return issuedAt(clock.instant().plus(Duration.ofMinutes(5)));
    }

    /** Signed with another RSA algorithm: RS256 (the default), RS384 or RS512. */
    public TokenRequest algorithm(JWSAlgorithm algorithm) {
        if (!RSA.contains(algorithm)) {
            throw new IllegalArgumentException("the provider signs with RS256, RS384 or RS512, not " + algorithm
                    + "; use signedWithHs256() or unsigned() for a token a verifier must refuse");
        }
        this.algorithm = algorithm;
        return this;
    }

    /** Signed by a fresh RSA key that the JWKS doesn't hold, with that key's {@code kid}. */
    public TokenRequest signedByUnknownKey() {
        this.signing = Signing.UNKNOWN_KEY;
        return this;
    }

    /** HS256, with the current public key's bytes as the secret and its {@code kid}: algorithm confusion. */
    public TokenRequest signedWithHs256() {
        this.signing = Signing.HMAC_WITH_PUBLIC_KEY;
        return this;
    }

    /** An unsecured JWT, {@code alg: none}, with an empty signature. */
    public TokenRequest unsigned() {
        this.signing = Signing.NONE;
        return this;
    }

    /** The token, in compact serialization. */
    public String mint() {
        var iat = issuedAt != null ? issuedAt : clock.instant();
        var builder = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(iat))
                .expirationTime(Date.from(expiresAt != null ? expiresAt : iat.plus(ttl)))
                .notBeforeTime(notBefore == null ? null : Date.from(notBefore))
                .jwtID(UUID.randomUUID().toString());
        if (!audiences.isEmpty()) {
            builder.audience(audiences);
        }
        claims.forEach(builder::claim);
        var claimsSet = builder.build();
        try {
            return switch (signing) {
                case CURRENT_KEY -> rsaSigned(claimsSet, currentKey.get());
                case UNKNOWN_KEY -> rsaSigned(claimsSet, new RSAKeyGenerator(SigningKeys.KEY_SIZE).keyIDFromThumbprint(true).generate());
                case HMAC_WITH_PUBLIC_KEY -> {
                    var key = currentKey.get();
                    var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claimsSet);
                    jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
                    yield jwt.serialize();
                }
                case NONE -> new PlainJWT(claimsSet).serialize();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
        }
    }

    private String rsaSigned(JWTClaimsSet claimsSet, RSAKey key) throws JOSEException {
        var jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claimsSet);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
