package dev.tally.standins.apigateway;

import dev.tally.standins.http.LoopbackServer;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.standins.lambda.LocalLambdaContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * documented payload</a> ({@link PayloadFormat20}), and {@code 404 Not Found} / {@code 500 Internal Server Error}
 * bodies as API Gateway writes them. Listens on 127.0.0.1 only.
 *
 * <p>Given a {@link JwtAuthorizer}, every route is authorized as an HTTP API route with {@code AuthorizationType: JWT}:
 * after the route matches and before the handler runs, the token is checked, and a refused one gets API Gateway's
 * {@code 401 {"message":"Unauthorized"}} (with its {@code www-authenticate} challenge) or, for a missing scope,
 * {@code 403 {"message":"Forbidden"}}, without invoking the handler. Without one, no route is authorized.
 */
public final class LocalApiGateway implements AutoCloseable {

    /** API Gateway's payload limit. */
    static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
    private static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One route: method, path template (API Gateway's {@code {name}} syntax), its Lambda handler, and the
     * {@code AuthorizationScopes} a token must hold at least one of when the gateway has a JWT authorizer.
     */
    public record Route(String method, String pathTemplate, String functionName,
                        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
                        List<String> authorizationScopes) {

        public Route {
            authorizationScopes = List.copyOf(authorizationScopes);
        }

        /** A route without authorization scopes: any token the authorizer accepts may call it. */
        public Route(String method, String pathTemplate, String functionName,
                     RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
            this(method, pathTemplate, functionName, handler, List.of());
        }

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
    private final Optional<JwtAuthorizer> authorizer;

    /**
     * Starts listening on 127.0.0.1:{@code port} (0 picks a free port), with no authorization on any route.
     *
     * @param concurrency how many requests run at once, like a Lambda function's concurrency limit
     */
    public LocalApiGateway(int port, List<Route> routes, int concurrency) {
        this(port, routes, concurrency, Optional.empty());
    }

    /**
     * Starts listening on 127.0.0.1:{@code port} (0 picks a free port), with every route behind the JWT authorizer.
     *
     * @param concurrency how many requests run at once, like a Lambda function's concurrency limit
     */
    public LocalApiGateway(int port, List<Route> routes, int concurrency, JwtAuthorizer authorizer) {
        this(port, routes, concurrency, Optional.of(Objects.requireNonNull(authorizer, "authorizer")));
    }

    private LocalApiGateway(int port, List<Route> routes, int concurrency, Optional<JwtAuthorizer> authorizer) {
        this.authorizer = authorizer;
        this.routes = routes.stream().map(r -> new CompiledRoute(r, r.pattern(), r.parameterNames())).toList();
        try {
            this.server = LoopbackServer.create(port, 512);
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
                    authorizeAndInvoke(exchange, compiled, matcher, body, requestId);
                    return;
                }
            }
            send(exchange, 404, "{\"message\":\"Not Found\"}");
        }
    }

    private void authorizeAndInvoke(HttpExchange exchange, CompiledRoute compiled, Matcher matcher, byte[] body,
                                    String requestId) throws IOException {
        if (authorizer.isEmpty()) {
            invoke(exchange, compiled, matcher, body, requestId, null);
            return;
        }
        var authorization = exchange.getRequestHeaders().getFirst("Authorization");
        switch (authorizer.get().authorize(authorization, compiled.route().authorizationScopes())) {
            case JwtAuthorizer.Allowed allowed -> invoke(exchange, compiled, matcher, body, requestId, allowed);
            case JwtAuthorizer.Unauthorized refused -> {
                refused.wwwAuthenticate().ifPresent(challenge -> exchange.getResponseHeaders().set("www-authenticate", challenge));
                send(exchange, 401, "{\"message\":\"Unauthorized\"}");
            }
            case JwtAuthorizer.Forbidden forbidden -> send(exchange, 403, "{\"message\":\"Forbidden\"}");
        }
    }

    private void invoke(HttpExchange exchange, CompiledRoute compiled, Matcher matcher, byte[] body, String requestId,
                        JwtAuthorizer.Allowed jwt) throws IOException {
        var route = compiled.route();
        var event = PayloadFormat20.event(exchange, route.routeKey(), compiled.parameters(), matcher, body, requestId, jwt);
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
        authorizer.ifPresent(JwtAuthorizer::close);
    }

    /** For the routes table printed by {@code ./tally up}. */
    public Map<String, String> describeRoutes() {
        var described = new LinkedHashMap<String, String>();
        routes.forEach(r -> described.put(r.route().routeKey(), r.route().functionName()));
        return described;
    }
}
