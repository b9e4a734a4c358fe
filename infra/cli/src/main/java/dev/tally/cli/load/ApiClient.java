package dev.tally.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** A plain HTTP client for the Tally API, as any user's program would be: each request carries the caller's token. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, JsonNode body, Map<String, java.util.List<String>> headers, String text) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Supplier<String> token;

    /** @param token the bearer token for each request (a supplier, so a long run can renew it) */
    public ApiClient(URI base, Supplier<String> token) {
        this.base = base;
        this.token = token;
    }

    /** The same API, as another caller. */
    public ApiClient as(Supplier<String> otherToken) {
        return new ApiClient(base, otherToken);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response post(String path, String body, String... headers) {
        var request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private Response send(HttpRequest.Builder request) {
        var bearer = token.get();
        if (bearer != null && request.build().headers().firstValue("Authorization").isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            var response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = JSON.nullNode();
            }
            return new Response(response.statusCode(), body, response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
