package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.http.ApiScopes;

import java.util.List;
import java.util.function.Function;

/**
 * The HTTP API's routes and the handler class behind each: the one list that the local gateway and the CDK app
 * both read, so that a route cannot exist in one and not the other.
 */
public enum AccountsApiRoute {

    CREATE_ACCOUNT("POST", "/accounts", CreateAccountHandler.class, CreateAccountHandler::new),
    LIST_ACCOUNTS("GET", "/accounts", ListAccountsHandler.class, ListAccountsHandler::new),
    GET_ACCOUNT("GET", "/accounts/{id}", GetAccountHandler.class, GetAccountHandler::new),
    CREDIT("POST", "/accounts/{id}/credit", CreditHandler.class, CreditHandler::new),
    WITHDRAW("POST", "/accounts/{id}/withdraw", WithdrawHandler.class, WithdrawHandler::new),
    LIST_EVENTS("GET", "/accounts/{id}/events", ListEventsHandler.class, ListEventsHandler::new);

    /** The accounts API's name in logs and metrics. */
    public static final String SERVICE = "accounts-api";

    /** The scopes that admit a token to this route: {@link ApiScopes#READ_ROUTES} for GETs, else the write scope. */
    public List<String> authorizationScopes() {
        return method.equals("GET") ? ApiScopes.READ_ROUTES : ApiScopes.WRITE_ROUTES;
    }

    private final String method;
    private final String path;
    private final Class<? extends RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handlerClass;
    private final Function<AccountService, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> factory;

    AccountsApiRoute(String method, String path,
                  Class<? extends RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handlerClass,
                  Function<AccountService, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> factory) {
        this.method = method;
        this.path = path;
        this.handlerClass = handlerClass;
        this.factory = factory;
    }

    public String method() {
        return method;
    }

    /** The path template, with {@code {name}} path parameters as API Gateway writes them. */
    public String path() {
        return path;
    }

    /** The route key as API Gateway puts it in the event: {@code "POST /accounts/{id}/credit"}. */
    public String routeKey() {
        return method + " " + path;
    }

    public Class<? extends RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> handlerClass() {
        return handlerClass;
    }

    /** The route's handler over {@code accounts} (the local stack's; Lambda uses the no-argument constructor). */
    public RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(AccountService accounts) {
        return factory.apply(accounts);
    }
}
