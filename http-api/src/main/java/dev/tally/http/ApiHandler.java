package dev.tally.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.observability.Correlation;
import dev.tally.observability.Invocation;
import dev.tally.observability.LogContext;
import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;
import dev.tally.observability.XRayAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What every HTTP route's handler shares: the caller, from the verified token, with the route's scopes checked again
 * (API Gateway checks them first; a route deployed without them must not open up); a client mistake becomes its
 * problem response, anything else a 500 that hides the internals, logged with its stack trace.
 *
 * <p>Every request gets a correlation id ({@link Correlation}), answered in the {@code X-Correlation-Id} header and
 * put in every log line written while it runs; it ends with one JSON line naming its outcome, status and duration,
 * and its metrics. A {@code POST} is a command: its outcome is counted as applied (2xx), an idempotent replay, conflicted
 * (a 409: it lost the race for the account's next version, or its idempotency key's twin is in flight) or refused
 * (any other 4xx). A 5xx is none of these: Lambda's own error metrics and the error line count it. With X-Ray
 * active tracing on, the correlation id is an annotation on the request's trace.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** The metrics' second dimension for a command: its route ({@code POST /accounts/{id}/withdraw}). */
    public static final String ROUTE_DIMENSION = "Route";

    private final String service;
    private final List<String> routeScopes;
    private final Clock clock;

    /**
     * @param service     the API's name in logs and metrics
     * @param routeScopes the scopes that admit a token to the route: it needs at least one
     */
    protected ApiHandler(String service, List<String> routeScopes) {
        if (routeScopes.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one scope");
        }
        this.service = service;
        this.routeScopes = List.copyOf(routeScopes);
        this.clock = Clock.systemUTC();
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
        return respond(request, context, true);
    }

    /**
     * Answers a made-up request along exactly the path of {@link #handleRequest}, but publishes nothing about it: no
     * metrics, no request line, no trace annotation. For priming a SnapStart snapshot, which must leave no trace of a
     * request nobody sent. An unexpected failure is still logged, as on any request.
     */
    public final APIGatewayV2HTTPResponse rehearse(APIGatewayV2HTTPEvent request, Context context) {
        return respond(request, context, false);
    }

    private APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent request, Context context, boolean publish) {
        long started = System.nanoTime();
        var startedAt = clock.instant();
        var correlationId = ApiRequests.correlationId(request, context.getAwsRequestId());
        var metrics = new Metrics(service, clock);
        var requestFields = new LinkedHashMap<String, Object>();
        requestFields.put(LogContext.CORRELATION_ID, correlationId);
        var accountId = request.getPathParameters() == null ? null : request.getPathParameters().get("id");
        // as the caller sent it (a log line's field, not yet validated): capped so that a huge one cannot bloat logs
        requestFields.put(LogContext.ACCOUNT_ID, accountId == null || accountId.length() <= 64 ? accountId
                : accountId.substring(0, 64) + "...");
        try (var invocation = Invocation.begin(service, context);
             var correlation = LogContext.with(requestFields)) {
            var response = answer(request, context, correlationId, metrics);
            long millis = (System.nanoTime() - started) / 1_000_000;
            var outcome = outcome(request, response);
            metrics.observe(Metric.REQUEST_DURATION, millis);
            if (isCommand(request)) {
                metrics.withDetail(ROUTE_DIMENSION, request.getRouteKey());
                switch (outcome) {
                    case "applied" -> metrics.count(Metric.COMMANDS_APPLIED, 1);
                    case "replayed" -> metrics.count(Metric.IDEMPOTENT_REPLAYS, 1);
                    case "conflicted" -> metrics.count(Metric.COMMANDS_CONFLICTED, 1);
                    case "refused" -> metrics.count(Metric.COMMANDS_REFUSED, 1);
                    default -> { }
                }
            }
            if (!publish) {
                return response;
            }
            var fields = new LinkedHashMap<String, Object>();
            fields.put(LogContext.OUTCOME, outcome);
            fields.put(LogContext.DURATION_MS, millis);
            fields.put("status", response.getStatusCode());
            fields.put("route", request.getRouteKey());
            try (var done = LogContext.with(fields)) {
                LOG.info("{} {} answered {}", request.getRequestContext() == null || request.getRequestContext().getHttp() == null
                        ? "" : request.getRequestContext().getHttp().getMethod(), request.getRawPath(), response.getStatusCode());
            }
            metrics.flush();
            // with active tracing, the request's X-Ray trace carries the correlation id, to search traces by it
            XRayAnnotations.annotate("tally", Map.of(LogContext.CORRELATION_ID, correlationId), startedAt, clock.instant());
            var headers = new HashMap<String, String>(response.getHeaders() == null ? Map.of() : response.getHeaders());
            headers.put(Correlation.RESPONSE_HEADER, correlationId);
            response.setHeaders(headers);
            return response;
        }
    }

    private APIGatewayV2HTTPResponse answer(APIGatewayV2HTTPEvent request, Context context, String correlationId,
                                            Metrics metrics) {
        try {
            var caller = ApiRequests.caller(request, context.getAwsRequestId(), correlationId, metrics);
            if (!caller.hasAnyScope(routeScopes)) {
                var held = caller.scopes().stream().sorted().collect(Collectors.joining(" "));
                throw new ProblemException(new Problem(403, "insufficient-scope", "Insufficient scope",
                        "this route needs one of the scopes " + String.join(", ", routeScopes) + "; the token has "
                                + (held.isEmpty() ? "none" : held), "scope", held));
            }
            return handle(request, caller);
        } catch (ProblemException e) {
            return ApiResponses.problem(e.problem(), request.getRawPath(), Map.of());
        } catch (RuntimeException e) {
            LOG.error("unhandled error on {}", request.getRouteKey(), e);
            return ApiResponses.problem(new Problem(500, "internal-error", "Internal error",
                    "the request failed on the server; correlation id " + correlationId, null, null),
                    request.getRawPath(), Map.of());
        }
    }

    /** How a request ended, for its log line and, for a command, its count. */
    private static String outcome(APIGatewayV2HTTPEvent request, APIGatewayV2HTTPResponse response) {
        int status = response.getStatusCode();
        var headers = response.getHeaders() == null ? Map.<String, String>of() : response.getHeaders();
        if (status >= 500) {
            return "failed";
        }
        if (!isCommand(request)) {
            return status < 400 ? "answered" : "refused";
        }
        if ("true".equals(headers.get("Idempotent-Replayed"))) {
            return "replayed"; // the stored answer to an idempotency key, applied or refused the first time
        }
        if (status < 300) {
            return "applied";
        }
        // a lost race asks the client to come back (Retry-After); an account that exists already does not
        return status == 409 && headers.containsKey("Retry-After") ? "conflicted" : "refused";
    }

    private static boolean isCommand(APIGatewayV2HTTPEvent request) {
        var http = request.getRequestContext() == null ? null : request.getRequestContext().getHttp();
        return http != null && "POST".equalsIgnoreCase(http.getMethod());
    }

    /** Handles a request from a caller who holds one of the route's scopes. */
    protected abstract APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller);
}
