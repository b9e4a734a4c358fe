package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.Caller;

/**
 * {@code POST /accounts/{id}/credit|withdraw} with {@code {"amount": ...}}: 200 with the new balance. Only the owner
 * moves money; anyone else gets the 404 of an unknown account, and nothing is written.
 */
abstract class MoneyMovementHandler extends ApiHandler {

    private final AccountService accounts;

    MoneyMovementHandler(AccountsApiRoute route, AccountService accounts) {
        super(AccountsApiRoute.SERVICE, route.authorizationScopes());
        this.accounts = accounts;
    }

    abstract AccountRequest request(AccountId accountId, Money amount);

    @Override
    protected final APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        var id = ApiRequests.accountId(request);
        var amount = ApiRequests.jsonBody(request).allowOnly("amount").amount();
        var result = accounts.execute(Callers.commandContext(caller), request(id, amount),
                ApiRequests.idempotencyKey(request));
        return AccountResponses.of(result, 200, request.getRawPath(), amount);
    }
}
