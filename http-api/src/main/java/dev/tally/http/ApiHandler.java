package dev.tally.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.Map;

/**
 * What every HTTP route's handler shares: a client mistake becomes its problem response, anything else a logged
 * 500 that hides the internals.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
        try {
            ApiRequests.principal(request); // every route refuses a token that names no caller
            return handle(request);
        } catch (ProblemException e) {
            return ApiResponses.problem(e.problem(), request.getRawPath(), Map.of());
        } catch (RuntimeException e) {
            context.getLogger().log("unhandled error on " + request.getRouteKey() + ": " + e);
            return ApiResponses.problem(new Problem(500, "internal-error", "Internal error",
                    "the request failed on the server; request id " + context.getAwsRequestId(), null, null),
                    request.getRawPath(), Map.of());
        }
    }

    protected abstract APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request);
}
