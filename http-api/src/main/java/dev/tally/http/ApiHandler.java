package dev.tally.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What every HTTP route's handler shares: the caller, from the verified token, with the route's scopes checked again
 * (API Gateway checks them first; a route deployed without them must not open up); a client mistake becomes its
 * problem response, anything else a logged 500 that hides the internals.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final List<String> routeScopes;

    /** @param routeScopes the scopes that admit a token to the route: it needs at least one */
    protected ApiHandler(List<String> routeScopes) {
        if (routeScopes.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one scope");
        }
        this.routeScopes = List.copyOf(routeScopes);
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
        try {
            var caller = ApiRequests.caller(request, context.getAwsRequestId());
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
            context.getLogger().log("unhandled error on " + request.getRouteKey() + ": " + e);
            return ApiResponses.problem(new Problem(500, "internal-error", "Internal error",
                    "the request failed on the server; request id " + context.getAwsRequestId(), null, null),
                    request.getRawPath(), Map.of());
        }
    }

    /** Handles a request from a caller who holds one of the route's scopes. */
    protected abstract APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller);
}
