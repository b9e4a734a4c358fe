package dev.tally.standins.apigateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.standins.oidc.LocalIdentityProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real gateway behind a JWT authorizer for a real local identity provider, over loopback, with handlers that
 * count their invocations and keep the last event. Routes:
 * <ul>
 *   <li>{@code GET /me}: no authorization scopes</li>
 *   <li>{@code GET /accounts/{id}}: {@code ledger:read} or {@code ledger:admin}</li>
 *   <li>{@code POST /accounts/{id}/withdrawals}: {@code ledger:write}</li>
 * </ul>
 */
final class AuthorizedGateway implements AutoCloseable {

    static final String AUDIENCE = "tally-api";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicReference<APIGatewayV2HTTPEvent> seen = new AtomicReference<>();
    private final LocalApiGateway gateway;

    AuthorizedGateway(LocalIdentityProvider provider, Clock clock) {
        var authorizer = new JwtAuthorizer(provider.issuer(), List.of(AUDIENCE, "another-app"), clock, http);
        gateway = new LocalApiGateway(0, List.of(
                new LocalApiGateway.Route("GET", "/me", "Me", this::handle),
                new LocalApiGateway.Route("GET", "/accounts/{id}", "GetAccount", this::handle, List.of("ledger:read", "ledger:admin")),
                new LocalApiGateway.Route("POST", "/accounts/{id}/withdrawals", "Withdraw", this::handle, List.of("ledger:write"))),
                2, authorizer);
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, com.amazonaws.services.lambda.runtime.Context context) {
        invocations.incrementAndGet();
        seen.set(event);
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("ok").build();
    }

    /** A request with this {@code Authorization} header, or none if {@code null}. */
    HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(gateway.endpoint() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"amount\":1}")
                        : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, "Bearer " + token);
    }

    int invocations() {
        return invocations.get();
    }

    APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt() {
        return seen.get().getRequestContext().getAuthorizer().getJwt();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
