package dev.tally.standins.oidc;

import dev.tally.standins.http.LoopbackServer;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local OpenID Connect issuer, standing in for one such as a Cognito user pool: what an HTTP API's JWT authorizer
 * needs from an issuer, and nothing more. It serves, on 127.0.0.1 only,
 * <ul>
 *   <li>{@value #DISCOVERY_PATH}, the
 *       <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OIDC discovery
 *       document</a> with the required fields ({@code issuer}, {@code jwks_uri}, {@code authorization_endpoint},
 *       {@code response_types_supported}, {@code subject_types_supported},
 *       {@code id_token_signing_alg_values_supported}). Its {@code authorization_endpoint} and {@code token_endpoint}
 *       are not served: tokens come from {@link #mint} and {@link #token()} instead;</li>
 *   <li>{@value #JWKS_PATH}, the JWKS: the public halves of the current key and, after a {@link #rotate()}, of the
 *       previous one, so that tokens signed by either verify.</li>
 * </ul>
 * Its issuer is {@code http://127.0.0.1:<port>}. The RSA 2048 signing key is generated at the first start, named by
 * its RFC 7638 thumbprint in {@code kid}, and kept, with the previous key, in the given folder (see
 * {@link SigningKeys}) so that tokens and caches survive a restart; without a folder the keys live in memory.
 * API Gateway requires an {@code https} issuer reachable from the internet; on loopback, {@code http} stands in.
 */
public final class LocalIdentityProvider implements AutoCloseable {

    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private final SigningKeys keys;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService workers;
    private final String issuer;

    /** Keys in memory, lost at {@link #close()}. */
    public LocalIdentityProvider(int port, Clock clock) {
        this(port, SigningKeys.inMemory(), clock);
    }

    /**
     * Keys kept in {@code keyFolder}, created owner-only if it doesn't exist.
     *
     * @param port 0 picks a free port
     */
    public LocalIdentityProvider(int port, Path keyFolder, Clock clock) {
        this(port, SigningKeys.keptIn(keyFolder), clock);
    }

    private LocalIdentityProvider(int port, SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        try {
            this.server = LoopbackServer.create(port, 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (is it in use?)", e);
        }
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        this.workers = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("oidc-", 0).daemon().factory());
        server.setExecutor(workers);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The issuer URL, exactly as tokens carry it in {@code iss} and as a JWT authorizer must be configured. */
    public String issuer() {
        return issuer;
    }

    public URI jwksUri() {
        return URI.create(issuer + JWKS_PATH);
    }

    /** The key set as served: public keys only. */
    public JWKSet jwks() {
        return keys.publicKeys();
    }

    /** The {@code kid} that new tokens are signed with. */
    public String currentKeyId() {
        return keys.current().getKeyID();
    }

    /**
     * Makes a new current key. The JWKS keeps the previous one, so tokens it signed still verify; the key before
     * that is dropped, and tokens it signed stop verifying once a verifier's cache of the JWKS expires.
     */
    public void rotate() {
        keys.rotate();
    }

    /**
     * A good token: {@code sub}, one {@code aud}, {@code scope} (left out when there are none), {@code iat} now and
     * {@code exp} after {@code ttl}, signed RS256 by the current key.
     */
    public String mint(String subject, String audience, Collection<String> scopes, Duration ttl) {
        return token().subject(subject).audience(audience).scopes(scopes).ttl(ttl).mint();
    }

    /** A token to shape claim by claim, good or deliberately bad; see {@link TokenRequest}. */
    public TokenRequest token() {
        return new TokenRequest(issuer, clock, keys::current);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath();
            if (!path.equals(DISCOVERY_PATH) && !path.equals(JWKS_PATH)) {
                send(exchange, 404, "{\"error\":\"not_found\",\"error_description\":\"no such path: " + path.replace('"', '\'') + "\"}");
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            } else if (path.equals(DISCOVERY_PATH)) {
                send(exchange, 200, JSONObjectUtils.toJSONString(discoveryDocument()));
            } else {
                // public keys only: a JWKS with private parts would let anyone mint tokens
                send(exchange, 200, JSONObjectUtils.toJSONString(keys.publicKeys().toJSONObject(true)));
            }
        }
    }

    private LinkedHashMap<String, Object> discoveryDocument() {
        var document = new LinkedHashMap<String, Object>();
        document.put("issuer", issuer);
        document.put("jwks_uri", jwksUri().toString());
        document.put("authorization_endpoint", issuer + "/oauth2/authorize");
        document.put("token_endpoint", issuer + "/oauth2/token");
        document.put("response_types_supported", List.of("code", "token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("scopes_supported", List.of("openid"));
        return document;
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        LoopbackServer.respond(exchange, status, "application/json", json);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
