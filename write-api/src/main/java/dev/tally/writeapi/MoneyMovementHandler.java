package dev.tally.writeapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.http.ApiHandler;
import dev.tally.http.HttpApi;

/** {@code POST /accounts/{id}/credit|withdraw} with {@code {"amount": ...}}: 200 with the new balance. */
abstract class MoneyMovementHandler extends ApiHandler {

    private final AccountService accounts;

    MoneyMovementHandler(AccountService accounts) {
        this.accounts = accounts;
    }

    abstract AccountRequest request(AccountId accountId, Money amount);

    @Override
    protected final APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request) {
        var id = HttpApi.accountId(request);
        var amount = HttpApi.amount(HttpApi.jsonObject(request, false));
        var result = accounts.execute(HttpApi.principal(request), request(id, amount), HttpApi.idempotencyKey(request));
        return AccountResponses.of(result, 200, request.getRawPath(), amount);
    }
}
