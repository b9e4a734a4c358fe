package dev.tally.standins.apigateway;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.standins.lambda.LocalLambdaContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for an API Gateway HTTP API with Lambda proxy integrations, payload format 2.0: it turns real HTTP
 * requests into {@link APIGatewayV2HTTPEvent}s, invokes the same handler classes that run in Lambda, and maps
 * their responses back, following
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">the
 * documented payload</a>: lowercased header names with repeated values joined by commas, cookies moved out of the
 * headers, repeated query parameters joined by commas, non-text bodies base64-encoded, and {@code 404 Not Found} /
 * {@code 500 Internal Server Error} bodies as API Gateway writes them. Listens on 127.0.0.1 only.
 */
public final class LocalApiGateway implements AutoCloseable {

    /** API Gateway's payload limit. */
    static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
    private static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** One route: method, path template (API Gateway's {@code {name}} syntax) and its Lambda handler. */
    public record Route(String method, String pathTemplate, String functionName,
                        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {

        String routeKey() {
            return method + " " + pathTemplate;
        }

        Pattern pattern() {
            var regex = new StringBuilder("^");
            var matcher = Pattern.compile("\\{([A-Za-z0-9_]+)}").matcher(pathTemplate);
            int last = 0;
            while (matcher.find()) {
                regex.append(Pattern.quote(pathTemplate.substring(last, matcher.start())));
                regex.append("(?<").append(matcher.group(1)).append(">[^/]+)");
                last = matcher.end();
            }
            regex.append(Pattern.quote(pathTemplate.substring(last))).append("$");
            return Pattern.compile(regex.toString());
        }

        List<String> parameterNames() {
            var names = new ArrayList<String>();
            var matcher = Pattern.compile("\\{([A-Za-z0-9_]+)}").matcher(pathTemplate);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }
    }

    private record CompiledRoute(Route route, Pattern pattern, List<String> parameters) {
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final List<CompiledRoute> routes;

    /**
     * Starts listening on 127.0.0.1:{@code port} (0 picks a free port).
     *
     * @param concurrency how many requests run at once, like a Lambda function's concurrency limit
     */
    public LocalApiGateway(int port, List<Route> routes, int concurrency) {
        this.routes = routes.stream().map(r -> new CompiledRoute(r, r.pattern(), r.parameterNames())).toList();
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (is it in use? pick another with --port)", e);
        }
        this.workers = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().name("gateway-", 0).daemon().factory());
        server.setExecutor(workers);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The address the server is bound to. */
    InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var requestId = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII)).substring(0, 16);
            exchange.getResponseHeaders().add("apigw-requestid", requestId);
            var body = exchange.getRequestBody().readNBytes(MAX_PAYLOAD_BYTES + 1);
            if (body.length > MAX_PAYLOAD_BYTES) {
                send(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }
            var path = exchange.getRequestURI().getRawPath();
            for (var compiled : routes) {
                Matcher matcher = compiled.pattern().matcher(path);
                if (compiled.route().method().equalsIgnoreCase(exchange.getRequestMethod()) && matcher.matches()) {
                    invoke(exchange, compiled, matcher, body, requestId);
                    return;
                }
            }
            send(exchange, 404, "{\"message\":\"Not Found\"}");
        }
    }

    private void invoke(HttpExchange exchange, CompiledRoute compiled, Matcher matcher, byte[] body, String requestId)
            throws IOException {
        var route = compiled.route();
        var event = toEvent(exchange, route, compiled, matcher, body, requestId);
        APIGatewayV2HTTPResponse response;
        var context = LocalLambdaContext.of(route.functionName(), UUID.randomUUID().toString(), INTEGRATION_TIMEOUT);
        try {
            response = route.handler().handleRequest(event, context);
        } catch (RuntimeException e) {
            context.getLogger().log("handler failed: " + e);
            send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            return;
        }
        if (response == null) {
            send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
            return;
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(v -> exchange.getResponseHeaders().add(name, v)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        }
        var text = response.getBody() == null ? "" : response.getBody();
        var bytes = response.getIsBase64Encoded() ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.getStatusCode(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, Route route, CompiledRoute compiled, Matcher matcher,
                                          byte[] body, String requestId) {
        var headers = new LinkedHashMap<String, String>();
        var cookies = new ArrayList<String>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            var lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(v -> {
                    for (var cookie : v.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                });
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        var rawQuery = exchange.getRequestURI().getRawQuery();
        var query = new LinkedHashMap<String, String>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (var pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                var cut = pair.indexOf('=');
                var name = decode(cut < 0 ? pair : pair.substring(0, cut));
                var value = cut < 0 ? "" : decode(pair.substring(cut + 1));
                query.merge(name, value, (a, b) -> a + "," + b);
            }
        }
        var pathParameters = new LinkedHashMap<String, String>();
        for (var name : compiled.parameters()) {
            pathParameters.put(name, decode(matcher.group(name)));
        }
        var contentType = headers.getOrDefault("content-type", "");
        boolean text = isText(contentType);
        var now = Instant.now();
        var source = exchange.getRemoteAddress().getAddress().getHostAddress();
        var rawPath = exchange.getRequestURI().getRawPath();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null
                        : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1"))
                        .withDomainPrefix("local")
                        .withRequestId(requestId)
                        .withRouteKey(route.routeKey())
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(exchange.getRequestMethod())
                                .withPath(rawPath)
                                .withProtocol(exchange.getProtocol())
                                .withSourceIp(source)
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .build();
    }

    /** API Gateway passes text bodies as they are and base64-encodes everything else. */
    private static boolean isText(String contentType) {
        var type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    /** For the routes table printed by {@code ./tally up}. */
    public Map<String, String> describeRoutes() {
        var described = new LinkedHashMap<String, String>();
        routes.forEach(r -> described.put(r.route().routeKey(), r.route().functionName()));
        return described;
    }
}
