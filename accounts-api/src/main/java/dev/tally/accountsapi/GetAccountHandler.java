package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.ApiResponses;

import java.util.Map;

/** {@code GET /accounts/{id}}: the balance and version, strongly consistent from the event store. */
public final class GetAccountHandler extends ApiHandler {

    private final AccountService accounts;

    public GetAccountHandler() {
        this(AccountsApiEnvironment.shared());
    }

    public GetAccountHandler(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request) {
        var id = ApiRequests.accountId(request);
        var state = accounts.get(id);
        if (!state.exists()) {
            return ApiResponses.problem(AccountResponses.notFound(id), request.getRawPath(), Map.of());
        }
        return ApiResponses.json(200, AccountResponses.account(id, state.balance(), state.version()), Map.of());
    }
}
