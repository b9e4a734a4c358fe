package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import dev.tally.domain.AccountId;
import dev.tally.domain.Principal;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiScopes;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Primes one route's handler before Lambda SnapStart takes its snapshot, so that the first request after a restore
 * finds the classes loaded, Jackson's readers and writers built, and the DynamoDB client's marshallers, signer and
 * connection used once. AWS's advice for SnapStart is to run the real request path in {@code beforeCheckpoint}
 * (<a href="https://aws.amazon.com/blogs/compute/reducing-java-cold-starts-on-aws-lambda-functions-with-soap-snapstart/">
 * Reducing Java cold starts on AWS Lambda functions with SnapStart</a>); that is what this does, through the
 * handler's own instance and its own route, which is all its function's role may call.
 *
 * <p><b>It leaves the ledger as it was.</b> It acts as {@link #PRINCIPAL}, who owns no account, on {@link #ACCOUNT}:
 * a read answers 404, a credit or withdrawal is refused before anything is written (not even an idempotency claim),
 * and the list of that principal's accounts is empty. Opening an account would write, so that route sends a body it
 * refuses, and its write path (decide, encode the item, marshal and send the {@code PutItem}) runs against a table
 * name DynamoDB must reject ({@link #NO_TABLE}): nothing can be stored, whatever the role may do. The rehearsal
 * publishes no metrics and no request line ({@link ApiHandler#rehearse}), and the function's first real request is
 * still logged as its cold start.
 *
 * <p><b>Nothing that a restore would make stale is built for the snapshot:</b> the SDK resolves credentials through
 * its default chain on each request (with SnapStart, Lambda gives them through the container credentials endpoint,
 * which the SDK refreshes); the clock is read on each use; the rehearsal's account id is fixed, so {@code UUID}'s
 * {@code SecureRandom} and the trace ids' are first used after the restore.
 *
 * <p>CRaC holds registered resources weakly: {@link #REGISTERED} keeps them.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    /** The rehearsal's caller: an issuer no token can come from ({@code .invalid} is reserved, RFC 2606). */
    public static final Principal PRINCIPAL = new Principal("https://snapstart-priming.invalid/", "snapstart-priming");
    /** The account the rehearsal asks about: owned by nobody, and by {@link #PRINCIPAL} least of all. */
    public static final AccountId ACCOUNT = new AccountId(UUID.fromString("00000000-0000-4000-8000-000000000000"));
    /** A table name outside DynamoDB's {@code [a-zA-Z0-9_.-]{3,255}}: every write to it is refused. */
    static final String NO_TABLE = "snapstart priming: no such table";

    private static final List<SnapStartPriming> REGISTERED = new ArrayList<>();

    private final AccountsApiRoute route;
    private final ApiHandler handler;
    private final DynamoDbClient dynamo;

    /** @param dynamo the client {@code handler}'s service writes with: the opening rehearsal uses it too */
    SnapStartPriming(AccountsApiRoute route, ApiHandler handler, DynamoDbClient dynamo) {
        this.route = route;
        this.handler = handler;
        this.dynamo = dynamo;
    }

    /** Registers the priming of {@code handler}, the Lambda instance of {@code route}, with CRaC. */
    static void register(AccountsApiRoute route, ApiHandler handler) {
        var priming = new SnapStartPriming(route, handler, AccountsApiEnvironment.sharedClient());
        synchronized (REGISTERED) {
            REGISTERED.add(priming);
        }
        Core.getGlobalContext().register(priming);
    }

    /** The primings registered in this JVM: for running them by hand where no checkpoint is taken (the bench). */
    public static List<Resource> registered() {
        synchronized (REGISTERED) {
            return List.copyOf(REGISTERED);
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    /** Runs the rehearsal; @return the status the route's handler answered it with */
    int prime() {
        long started = System.nanoTime();
        int status = handler.rehearse(request(route), new PrimingContext(route)).getStatusCode();
        if (route == AccountsApiRoute.CREATE_ACCOUNT) {
            rehearseOpening();
        }
        LOG.info("primed {} for a SnapStart snapshot in {} ms (rehearsal answered {})", route.routeKey(),
                (System.nanoTime() - started) / 1_000_000, status);
        return status;
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to renew: see the class comment
    }

    /** Opens an account in a table that cannot exist: the write path runs to DynamoDB's refusal. */
    private void rehearseOpening() {
        var env = new HashMap<>(System.getenv());
        env.put(EventStoreSettings.EVENTS_TABLE, NO_TABLE);
        env.put(EventStoreSettings.IDEMPOTENCY_TABLE, NO_TABLE);
        var nowhere = AccountsApiEnvironment.fromEnvironment(env, dynamo, () -> ACCOUNT.value());
        try {
            nowhere.execute(CommandContext.of(PRINCIPAL, "snapstart-priming"), new AccountRequest.Create(null),
                    Optional.empty());
            throw new IllegalStateException("a table named \"" + NO_TABLE + "\" accepted a write");
        } catch (SdkException expected) {
            // DynamoDB's ValidationException (or AccessDenied): the request was marshalled, signed, sent and refused
        }
    }

    /** The route's rehearsal request, shaped as API Gateway's payload format 2.0, from a verified token. */
    static APIGatewayV2HTTPEvent request(AccountsApiRoute route) {
        var path = route.path().replace("{id}", ACCOUNT.toString());
        var headers = new HashMap<String, String>();
        String body = null;
        switch (route) {
            case CREATE_ACCOUNT -> body = "{\"displayName\": 0}"; // refused: a display name is a string
            case CREDIT, WITHDRAW -> {
                body = "{\"amount\": \"1.00\"}";
                headers.put("idempotency-key", "snapstart-priming");
            }
            case LIST_ACCOUNTS, GET_ACCOUNT, LIST_EVENTS -> { }
        }
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        var scopes = route.method().equals("GET") ? List.of(ApiScopes.READ) : List.of(ApiScopes.WRITE);
        var jwt = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                .withClaims(Map.of("iss", PRINCIPAL.issuer(), "sub", PRINCIPAL.subject(), "scope", String.join(" ", scopes)))
                .withScopes(scopes).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(headers)
                .withPathParameters(route.path().contains("{id}") ? Map.of("id", ACCOUNT.toString()) : null)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(RequestContext.builder()
                        .withRouteKey(route.routeKey())
                        .withRequestId("snapstart-priming")
                        .withHttp(RequestContext.Http.builder().withMethod(route.method()).withPath(path)
                                .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("snapstart-priming").build())
                        .withAuthorizer(RequestContext.Authorizer.builder().withJwt(jwt).build())
                        .build())
                .build();
    }

    /** The rehearsal's Lambda context: its own function name, so that the real first request stays the cold start. */
    private record PrimingContext(AccountsApiRoute route) implements Context {
        @Override public String getAwsRequestId() { return "snapstart-priming"; }
        @Override public String getLogGroupName() { return null; }
        @Override public String getLogStreamName() { return null; }
        @Override public String getFunctionName() { return "snapstart-priming " + route.routeKey(); }
        @Override public String getFunctionVersion() { return null; }
        @Override public String getInvokedFunctionArn() { return null; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 30_000; }
        @Override public int getMemoryLimitInMB() { return 0; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
