package dev.tally.standins.apigateway;

import dev.tally.standins.SettableClock;
import dev.tally.standins.oidc.LocalIdentityProvider;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.tally.standins.apigateway.AuthorizedGateway.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key rotation through the gateway, against
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html">Control access
 * to HTTP APIs with JWT authorizers in API Gateway</a>: "API Gateway can cache the public keys for two hours. As a
 * best practice, when you rotate keys, allow a grace period during which both the old and new keys are valid." The
 * local identity provider keeps the previous key in its JWKS for that grace period.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class JwtAuthorizerKeyRotationTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));

    private String token(LocalIdentityProvider provider, Duration ttl) {
        return provider.mint("alice", AUDIENCE, List.of(), ttl);
    }

    @Test
    void tokens_signed_by_the_previous_and_the_current_key_both_verify_after_rotate() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock); var gateway = new AuthorizedGateway(provider, clock)) {
            var before = token(provider, Duration.ofHours(1));
            assertThat(gateway.get("/me", before).statusCode()).isEqualTo(200);

            provider.rotate();
            clock.advance(IssuerKeys.REFETCH_AT_MOST_EVERY);
            var after = token(provider, Duration.ofHours(1));

            assertThat(gateway.get("/me", after).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/me", before).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void an_unknown_kid_refetches_the_jwks_at_most_once_every_five_seconds() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock); var gateway = new AuthorizedGateway(provider, clock)) {
            assertThat(gateway.get("/me", token(provider, Duration.ofHours(1))).statusCode()).isEqualTo(200);
            provider.rotate();
            var signedByTheNewKey = token(provider, Duration.ofHours(1));

            clock.advance(IssuerKeys.REFETCH_AT_MOST_EVERY.minusMillis(1));
            assertThat(gateway.get("/me", signedByTheNewKey).statusCode()).isEqualTo(401);

            clock.advance(Duration.ofMillis(1));
            assertThat(gateway.get("/me", signedByTheNewKey).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_key_rotated_twice_out_no_longer_verifies_once_the_two_hour_cache_expires() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock); var gateway = new AuthorizedGateway(provider, clock)) {
            var signedByTheFirstKey = token(provider, Duration.ofHours(4));
            assertThat(gateway.get("/me", signedByTheFirstKey).statusCode()).isEqualTo(200);

            provider.rotate();
            provider.rotate();
            clock.advance(IssuerKeys.CACHE_FOR.minusSeconds(1));
            assertThat(gateway.get("/me", signedByTheFirstKey).statusCode())
                    .as("still in the JWKS the gateway cached, as in AWS").isEqualTo(200);

            clock.advance(Duration.ofSeconds(1));
            assertThat(gateway.get("/me", signedByTheFirstKey).statusCode()).isEqualTo(401);
            try (var freshGateway = new AuthorizedGateway(provider, clock)) {
                assertThat(freshGateway.get("/me", signedByTheFirstKey).statusCode()).isEqualTo(401);
                assertThat(freshGateway.invocations()).isZero();
            }
        }
    }

    @Test
    void tokens_keep_verifying_after_the_provider_restarts_from_its_folder(@TempDir Path folder) throws Exception {
        String token;
        int port;
        try (var provider = new LocalIdentityProvider(0, folder, clock)) {
            token = token(provider, Duration.ofHours(1));
            port = URI.create(provider.issuer()).getPort();
        }

        try (var restarted = new LocalIdentityProvider(port, folder, clock);
             var gateway = new AuthorizedGateway(restarted, clock)) {
            assertThat(gateway.get("/me", token).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/me", token(restarted, Duration.ofHours(1))).statusCode()).isEqualTo(200);
        }
    }
}
