package dev.tally.cli.load;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The API client against a loopback server that records what it was sent and answers as API Gateway does. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class ApiClientTest {

    private HttpServer server;
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            received.put("method", exchange.getRequestMethod());
            received.put("content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            received.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            received.put("accept", String.valueOf(exchange.getRequestHeaders().getFirst("Accept")));
            received.merge("requests", "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
            if (exchange.getRequestURI().getPath().equals("/moved")) {
                exchange.getResponseHeaders().add("Location", "/elsewhere");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            received.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean refused = exchange.getRequestURI().getPath().equals("/refused");
            var body = (refused ? "{\"message\":\"Unauthorized\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Correlation-Id", "abc");
            if (refused) {
                exchange.getResponseHeaders().add("www-authenticate", "Bearer error=\"invalid_token\"");
            }
            exchange.sendResponseHeaders(refused ? 401 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        api = new ApiClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), () -> "the-token");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void a_post_carries_json_the_callers_token_and_its_body() {
        var response = api.post("/accounts", "{\"displayName\":\"x\"}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("ok").asBoolean()).isTrue();
        assertThat(received).containsEntry("method", "POST").containsEntry("content-type", "application/json")
                .containsEntry("authorization", "Bearer the-token").containsEntry("body", "{\"displayName\":\"x\"}")
                .containsEntry("accept", "application/json");
        assertThat(response.header("x-correlation-id")).isEqualTo("abc");
        assertThat(response.headers().get("X-CORRELATION-ID")).isEqualTo(List.of("abc"));
    }

    @Test
    void headers_the_caller_passes_replace_the_defaults() {
        api.post("/accounts", "{}", "Content-Type", "application/evil+json", "Authorization", "Bearer other");

        assertThat(received).containsEntry("content-type", "application/evil+json")
                .containsEntry("authorization", "Bearer other");
    }

    @Test
    void a_redirect_is_answered_as_it_is_not_followed() {
        var response = api.post("/moved", "{}");

        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("location")).isEqualTo("/elsewhere");
        assertThat(received).containsEntry("requests", "1");
    }

    @Test
    void a_refused_post_keeps_its_status_and_body() {
        var response = api.post("/refused", "{\"amount\": 5}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.text()).isEqualTo("{\"message\":\"Unauthorized\"}");
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
    }
}
