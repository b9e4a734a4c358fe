package dev.tally.cli.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.util.List;
import java.util.Map;

/**
 * The smallest Lambda runtime that answers one request: the {@code main} of a fresh JVM whose class path is a shaded
 * Lambda jar and this class alone. As Lambda does, it loads the handler class by name and builds it with its
 * no-argument constructor (the init phase), then invokes it once with an HTTP API event (payload format 2.0) from a
 * verified token; it prints one line, {@value #ANSWERED} with the status and the init and invoke times in
 * nanoseconds, and exits. It does not parse the event from JSON (Lambda's runtime does that with its own Jackson,
 * outside the function's jar), so it measures the function's own cold start.
 *
 * <p>With {@code primed}, after the init it runs the CRaC resources that the jar registered (their
 * {@code beforeCheckpoint}, as SnapStart does before its snapshot; no checkpoint is taken here), then times the first
 * request of a new handler instance: what a restored snapshot would answer first.
 *
 * <p>Uses only the JDK and what the Lambda jar holds.
 */
public final class ColdStartInvoker {

    /** The first word of the line it prints once the request is answered. */
    public static final String ANSWERED = "tally-cold-start-answered";

    private ColdStartInvoker() {
    }

    /**
     * @param args the handler class; method; route key; raw path; the {@code id} path parameter or "-"; the body or
     *             "-"; issuer; subject; space-separated scopes; the priming accessor ({@code class#staticMethod}
     *             returning the registered {@code org.crac.Resource}s) or "-" for a plain cold start
     */
    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        var handlerClass = Class.forName(args[0]);
        var handler = newHandler(handlerClass);
        long initialized = System.nanoTime();
        long initNanos = initialized - started;
        if (!args[9].equals("-")) {
            var accessor = args[9].split("#");
            var resources = (List<?>) Class.forName(accessor[0]).getMethod(accessor[1]).invoke(null);
            var beforeCheckpoint = Class.forName("org.crac.Resource").getMethod("beforeCheckpoint", Class.forName("org.crac.Context"));
            for (var resource : resources) {
                beforeCheckpoint.invoke(resource, new Object[]{null});
            }
            handler = newHandler(handlerClass);
            initialized = System.nanoTime();
        }
        var response = handler.handleRequest(event(args), new InvokerContext(args[0]));
        long invokeNanos = System.nanoTime() - initialized;
        System.out.println(ANSWERED + " " + response.getStatusCode() + " " + initNanos + " " + invokeNanos);
        System.out.flush();
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> newHandler(Class<?> type) throws Exception {
        return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) type.getConstructor().newInstance();
    }

    private static APIGatewayV2HTTPEvent event(String[] args) {
        var method = args[1];
        var routeKey = args[2];
        var path = args[3];
        var body = args[5].equals("-") ? null : args[5];
        var scopes = List.of(args[8].split(" "));
        var jwt = RequestContext.Authorizer.JWT.builder()
                .withClaims(Map.of("iss", args[6], "sub", args[7], "scope", args[8]))
                .withScopes(scopes).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(body == null ? Map.of() : Map.of("content-type", "application/json"))
                .withPathParameters(args[4].equals("-") ? null : Map.of("id", args[4]))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withRequestId("cold-start-" + ProcessHandle.current().pid())
                        .withHttp(RequestContext.Http.builder().withMethod(method).withPath(path)
                                .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("tally-bench").build())
                        .withAuthorizer(RequestContext.Authorizer.builder().withJwt(jwt).build())
                        .build())
                .build();
    }

    private record InvokerContext(String functionName) implements Context {
        @Override public String getAwsRequestId() { return "cold-start-" + ProcessHandle.current().pid(); }
        @Override public String getLogGroupName() { return null; }
        @Override public String getLogStreamName() { return null; }
        @Override public String getFunctionName() { return functionName; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return null; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 30_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
