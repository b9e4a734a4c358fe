package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.ApiResponses;
import dev.tally.http.Caller;

import java.util.Map;

/**
 * {@code GET /accounts/{id}}: the balance and version, strongly consistent from the event store; 404 to anyone who
 * may not read the account, exactly as for an account that does not exist.
 */
public final class GetAccountHandler extends ApiHandler {

    private final AccountService accounts;

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public GetAccountHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.GET_ACCOUNT, this);
    }

    public GetAccountHandler(AccountService accounts) {
        super(AccountsApiRoute.SERVICE, AccountsApiRoute.GET_ACCOUNT.authorizationScopes());
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        var id = ApiRequests.accountId(request);
        var state = accounts.get(id);
        if (!state.exists() || !caller.mayRead(state.owner())) {
            return ApiResponses.problem(AccountResponses.notFound(id), request.getRawPath(), Map.of());
        }
        return ApiResponses.json(200, AccountResponses.account(id, state.balance(), state.version()), Map.of());
    }
}
