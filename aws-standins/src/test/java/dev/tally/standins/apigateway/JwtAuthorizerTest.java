package dev.tally.standins.apigateway;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tally.standins.SettableClock;
import dev.tally.standins.oidc.LocalIdentityProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tally.standins.apigateway.AuthorizedGateway.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's JWT authorizer against
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html">Control access
 * to HTTP APIs with JWT authorizers in API Gateway</a> (the checks, in order, and the scopes),
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html">Troubleshooting
 * issues with HTTP API JWT authorizers</a> ({@code 401 {"message":"Unauthorized"}}, the {@code www-authenticate}
 * header, {@code aud} before {@code client_id}) and
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">Create
 * AWS Lambda proxy integrations for HTTP APIs</a> ({@code requestContext.authorizer.jwt}): real tokens from the local
 * identity provider, real HTTP, the real gateway.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class JwtAuthorizerTest {

    private static final String UNAUTHORIZED = "{\"message\":\"Unauthorized\"}";

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final LocalIdentityProvider provider = new LocalIdentityProvider(0, clock);
    private final AuthorizedGateway gateway = new AuthorizedGateway(provider, clock);

    @AfterEach
    void stop() {
        gateway.close();
        provider.close();
    }

    private String token(List<String> scopes) {
        return provider.mint("alice", AUDIENCE, scopes, Duration.ofHours(1));
    }

    private void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo(UNAUTHORIZED);
        assertThat(gateway.invocations()).isZero();
    }

    @Test
    void a_valid_token_reaches_the_handler_with_its_claims_and_scopes() throws Exception {
        var response = gateway.send("POST", "/accounts/a-1/withdrawals", "Bearer " + token(List.of("ledger:read", "ledger:write")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(gateway.invocations()).isEqualTo(1);
        var now = clock.instant().getEpochSecond();
        assertThat(gateway.jwt().getClaims())
                .containsEntry("sub", "alice")
                .containsEntry("iss", provider.issuer())
                .containsEntry("aud", AUDIENCE)
                .containsEntry("scope", "ledger:read ledger:write")
                .containsEntry("iat", Long.toString(now))
                .containsEntry("exp", Long.toString(now + 3600))
                .containsKey("jti");
        assertThat(gateway.jwt().getScopes()).containsExactly("ledger:read", "ledger:write");
    }

    @Test
    void a_route_without_scopes_accepts_any_valid_token_and_passes_null_scopes() throws Exception {
        var response = gateway.get("/me", token(List.of()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(gateway.jwt().getClaims()).containsEntry("sub", "alice").doesNotContainKey("scope");
        assertThat(gateway.jwt().getScopes()).isNull();
    }

    @Test
    void the_token_may_come_alone_without_the_Bearer_prefix() throws Exception {
        var response = gateway.send("GET", "/me", token(List.of()));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void non_string_claims_are_flattened_to_text_as_aws_renders_them() throws Exception {
        var token = provider.token().subject("alice").audience(AUDIENCE)
                .claim("cognito:groups", List.of("admin", "poweruser"))
                .claim("age", 42).claim("email_verified", true)
                .claim("address", Map.of("street", "Main", "city", "Bern"))
                .mint();

        gateway.get("/me", token);

        assertThat(gateway.jwt().getClaims())
                .containsEntry("cognito:groups", "[admin poweruser]")
                .containsEntry("age", "42")
                .containsEntry("email_verified", "true")
                .containsEntry("address", "map[city:Bern street:Main]");
    }

    @Test
    void a_token_without_the_route_scope_is_forbidden_and_never_reaches_the_handler() throws Exception {
        var readOnly = gateway.send("POST", "/accounts/a-1/withdrawals", "Bearer " + token(List.of("ledger:read")));
        var noScope = gateway.send("POST", "/accounts/a-1/withdrawals", "Bearer " + token(List.of()));

        assertThat(readOnly.statusCode()).isEqualTo(403);
        assertThat(readOnly.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(gateway.invocations()).isZero();
    }

    @Test
    void one_of_the_route_scopes_is_enough_from_scope_or_scp() throws Exception {
        var admin = gateway.get("/accounts/a-1", token(List.of("ledger:admin")));
        var scpArray = gateway.get("/accounts/a-1", provider.token().subject("bob").audience(AUDIENCE)
                .claim("scp", List.of("ledger:read")).mint());
        var scpString = gateway.get("/accounts/a-1", provider.token().subject("bob").audience(AUDIENCE)
                .claim("scp", "openid ledger:read").mint());

        assertThat(List.of(admin.statusCode(), scpArray.statusCode(), scpString.statusCode())).containsOnly(200);
        assertThat(gateway.jwt().getScopes()).containsExactly("openid", "ledger:read");
    }

    @Test
    void a_request_without_a_token_is_unauthorized() throws Exception {
        assertRefused(gateway.send("GET", "/me", null));
    }

    @Test
    void a_bearer_value_that_is_not_a_jwt_is_unauthorized() throws Exception {
        assertRefused(gateway.send("GET", "/me", "Bearer garbage"));
    }

    @Test
    void an_expired_token_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).expired().mint()));
    }

    @Test
    void a_token_is_refused_from_the_second_it_expires() throws Exception {
        var token = provider.mint("alice", AUDIENCE, List.of(), Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(59));
        assertThat(gateway.get("/me", token).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        var expired = gateway.get("/me", token);

        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(gateway.invocations()).isEqualTo(1);
    }

    @Test
    void a_token_not_valid_yet_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).notYetValid().mint()));
    }

    @Test
    void a_token_issued_in_the_future_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).issuedInTheFuture().mint()));
    }

    @Test
    void a_token_from_another_issuer_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE)
                .issuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other").mint()));
    }

    @Test
    void a_token_for_another_audience_is_unauthorized_with_the_challenge_aws_sends() throws Exception {
        var response = gateway.get("/me", provider.mint("alice", "someone-else", List.of(), Duration.ofHours(1)));

        assertRefused(response);
        assertThat(response.headers().firstValue("www-authenticate")).contains(
                "Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token does not have a valid audience\"");
    }

    @Test
    void without_aud_the_client_id_must_be_one_of_the_audiences() throws Exception {
        var rightClient = gateway.get("/me", provider.token().subject("alice").withoutAudience().clientId(AUDIENCE).mint());
        assertThat(rightClient.statusCode()).isEqualTo(200);

        var wrongClient = gateway.get("/me", provider.token().subject("alice").withoutAudience().clientId("someone-else").mint());

        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(gateway.invocations()).isEqualTo(1);
    }

    @Test
    void with_both_aud_and_client_id_only_aud_counts() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience("someone-else").clientId(AUDIENCE).mint()));
    }

    @Test
    void a_token_with_neither_aud_nor_client_id_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").withoutAudience().mint()));
    }

    @Test
    void a_token_signed_by_a_key_not_in_the_jwks_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).signedByUnknownKey().mint()));
    }

    @Test
    void a_token_whose_claims_were_changed_after_signing_is_unauthorized() throws Exception {
        var alice = token(List.of()).split("\\.");
        var bob = provider.mint("bob", AUDIENCE, List.of("ledger:admin"), Duration.ofHours(1)).split("\\.");

        assertRefused(gateway.get("/me", alice[0] + "." + bob[1] + "." + alice[2]));
    }

    @Test
    void an_unsigned_alg_none_token_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).unsigned().mint()));
    }

    @Test
    void an_hs256_token_keyed_with_the_public_key_is_unauthorized() throws Exception {
        assertRefused(gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).signedWithHs256().mint()));
    }

    @Test
    void rs384_and_rs512_are_accepted_as_rsa_algorithms() throws Exception {
        var rs384 = gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).algorithm(JWSAlgorithm.RS384).mint());
        var rs512 = gateway.get("/me", provider.token().subject("alice").audience(AUDIENCE).algorithm(JWSAlgorithm.RS512).mint());

        assertThat(List.of(rs384.statusCode(), rs512.statusCode())).containsOnly(200);
    }

    @Test
    void a_token_without_sub_passes_the_gateway_as_in_aws_so_the_handler_must_refuse_it() throws Exception {
        var response = gateway.get("/me", provider.token().withoutSubject().audience(AUDIENCE).mint());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(gateway.jwt().getClaims()).doesNotContainKey("sub");
    }

    @Test
    void an_unknown_route_is_not_found_before_any_token_is_asked_for() throws Exception {
        var response = gateway.send("GET", "/nothing", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }
}
