package dev.tally.standins.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.standins.SettableClock;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local identity provider over real HTTP, against what an HTTP API's JWT authorizer needs of an issuer
 * (<a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html">Control access
 * to HTTP APIs with JWT authorizers in API Gateway</a>): an
 * <a href="https://openid.net/specs/openid-connect-discovery-1_0.html">OIDC discovery</a> document naming its
 * {@code jwks_uri}, RSA keys chosen by {@code kid}, and a grace period for rotation.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LocalIdentityProviderTest {

    /** The private members of an RSA JWK (RFC 7518 section 6.3.2). */
    private static final List<String> PRIVATE_RSA_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth");

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JWKSet servedKeys(LocalIdentityProvider provider) throws Exception {
        return JWKSet.parse(get(provider.jwksUri()).body());
    }

    @Test
    void discovery_names_the_issuer_and_the_jwks_uri_with_the_required_fields() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock)) {
            var response = get(URI.create(provider.issuer() + "/.well-known/openid-configuration"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            var document = JSONObjectUtils.parse(response.body());
            assertThat(provider.issuer()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(document).containsEntry("issuer", provider.issuer())
                    .containsEntry("jwks_uri", provider.issuer() + "/.well-known/jwks.json")
                    .containsKeys("authorization_endpoint", "response_types_supported", "subject_types_supported",
                            "id_token_signing_alg_values_supported");
            assertThat(get(URI.create((String) document.get("jwks_uri"))).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tokens_are_signed_rs256_by_the_current_key_named_in_kid() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock)) {
            var jwt = SignedJWT.parse(provider.mint("alice", "tally-api", List.of("ledger:read", "ledger:write"), Duration.ofMinutes(30)));
            var key = servedKeys(provider).getKeyByKeyId(jwt.getHeader().getKeyID());

            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(provider.currentKeyId());
            assertThat(((RSAKey) key).size()).isEqualTo(2048);
            assertThat(jwt.verify(new RSASSAVerifier((RSAKey) key))).isTrue();
            var claims = jwt.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(provider.issuer());
            assertThat(claims.getSubject()).isEqualTo("alice");
            assertThat(claims.getAudience()).containsExactly("tally-api");
            assertThat(claims.getStringClaim("scope")).isEqualTo("ledger:read ledger:write");
            assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
            assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
        }
    }

    @Test
    void the_jwks_never_contains_private_key_material() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock)) {
            provider.rotate();
            var body = get(provider.jwksUri()).body();

            @SuppressWarnings("unchecked")
            var keys = (List<Map<String, Object>>) (List<?>) JSONObjectUtils.parse(body).get("keys");
            assertThat(keys).hasSize(2).allSatisfy(key -> {
                assertThat(key).containsEntry("kty", "RSA").containsKeys("kid", "n", "e");
                assertThat(key).doesNotContainKeys(PRIVATE_RSA_MEMBERS.toArray(String[]::new));
            });
            assertThat(provider.jwks().getKeys()).noneMatch(key -> key.isPrivate());
        }
    }

    @Test
    void rotation_keeps_the_previous_key_and_drops_the_one_before() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock)) {
            var first = provider.currentKeyId();
            provider.rotate();
            var second = provider.currentKeyId();

            assertThat(second).isNotEqualTo(first);
            assertThat(servedKeys(provider).getKeys()).extracting(key -> key.getKeyID()).containsExactly(second, first);

            provider.rotate();

            assertThat(servedKeys(provider).getKeys()).extracting(key -> key.getKeyID())
                    .containsExactly(provider.currentKeyId(), second);
        }
    }

    @Test
    void the_key_set_survives_a_restart_from_its_folder_readable_by_the_owner_only(@TempDir Path parent) throws Exception {
        var folder = parent.resolve("oidc");
        String token;
        List<String> kids;
        try (var provider = new LocalIdentityProvider(0, folder, clock)) {
            provider.rotate();
            token = provider.mint("alice", "tally-api", List.of(), Duration.ofHours(1));
            kids = servedKeys(provider).getKeys().stream().map(key -> key.getKeyID()).toList();
        }
        var file = folder.resolve(SigningKeys.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");

        try (var restarted = new LocalIdentityProvider(0, folder, clock)) {
            assertThat(servedKeys(restarted).getKeys()).extracting(key -> key.getKeyID()).isEqualTo(kids);
            assertThat(restarted.currentKeyId()).isEqualTo(kids.getFirst());
            var jwt = SignedJWT.parse(token);
            var key = (RSAKey) servedKeys(restarted).getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        }
    }

    @Test
    void without_a_folder_each_start_has_a_key_of_its_own() {
        try (var first = new LocalIdentityProvider(0, clock); var second = new LocalIdentityProvider(0, clock)) {
            assertThat(first.currentKeyId()).isNotEqualTo(second.currentKeyId());
        }
    }

    @Test
    void its_issuer_is_on_loopback_and_it_serves_nothing_else() throws Exception {
        try (var provider = new LocalIdentityProvider(0, clock)) {
            assertThat(URI.create(provider.issuer()).getHost()).isEqualTo("127.0.0.1");
            assertThat(get(URI.create(provider.issuer() + "/oauth2/token")).statusCode()).isEqualTo(404);
            var post = http.send(HttpRequest.newBuilder(provider.jwksUri()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }
}
