package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;

/** {@code POST /accounts/{id}/credit|withdraw} with {@code {"amount": ...}}: 200 with the new balance. */
abstract class MoneyMovementHandler extends ApiHandler {

    private final AccountService accounts;

    MoneyMovementHandler(AccountService accounts) {
        this.accounts = accounts;
    }

    abstract AccountRequest request(AccountId accountId, Money amount);

    @Override
    protected final APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request) {
        var id = ApiRequests.accountId(request);
        var amount = ApiRequests.jsonBody(request).allowOnly("amount").amount();
        var result = accounts.execute(ApiRequests.principal(request), request(id, amount), ApiRequests.idempotencyKey(request));
        return AccountResponses.of(result, 200, request.getRawPath(), amount);
    }
}
