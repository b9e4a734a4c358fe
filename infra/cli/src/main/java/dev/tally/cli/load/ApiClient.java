package dev.tally.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A plain HTTP client for the Tally API, as any user's program would be: each request carries the caller's token.
 *
 * <p>Through {@link HttpURLConnection}, on the calling thread over kept-alive connections: the JDK's
 * {@code HttpClient} hands every exchange to its selector thread and back, which under load cost this process about
 * as much CPU as the request's work in the handler, on the same cores (B3). The body is buffered, not streamed: in
 * streaming mode the JDK drops the body of a 401 (API Gateway's {@code {"message":"Unauthorized"}}). Buffered, the
 * JDK would send a POST again by itself when a kept-alive connection breaks, which may apply a credit twice, so
 * {@code sun.net.http.retryPost} is turned off ({@code JdkHttpClients.noSilentPostRetries}: read once per process, so the
 * CLI's {@code main} and the local stack set it first).
 * The JDK keeps at most {@code http.maxConnections} idle connections per host (5 unless set): a caller with more
 * requests in flight sets it first, as {@code ./tally load} and the local stack do.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    public record Response(int status, JsonNode body, Map<String, List<String>> headers, String text) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final URI base;
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
        return send("GET", path, null, new String[0]);
    }

    /** A POST of {@code body} (JSON; none if null), with {@code headers} as name, value pairs. */
    public Response post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    private Response send(String method, String path, String body, String[] headers) {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + base + " failed", e);
        }
        try {
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/json");
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            if (method.equals("POST")) {
                connection.setRequestProperty("Content-Type", "application/json");
            }
            // the caller's headers last: they replace the defaults (the demo sends another Content-Type)
            boolean authorized = false;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                connection.setRequestProperty(headers[i], headers[i + 1]);
                authorized |= headers[i].equalsIgnoreCase("Authorization");
            }
            var bearer = token.get();
            if (bearer != null && !authorized) {
                connection.setRequestProperty("Authorization", "Bearer " + bearer);
            }
            if (method.equals("POST")) {
                byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                connection.setDoOutput(true);
                try (var out = connection.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = connection.getResponseCode();
            String text;
            // read to the end, so that the connection goes back to the keep-alive pool
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var fields = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            connection.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    fields.merge(name, values, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
                }
            });
            JsonNode parsed;
            try {
                parsed = text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
            } catch (IOException notJson) {
                parsed = JSON.nullNode();
            }
            return new Response(status, parsed, java.util.Collections.unmodifiableMap(fields), text);
        } catch (IOException e) {
            connection.disconnect();
            throw new UncheckedIOException("request to " + base + " failed", e);
        }
    }
}
