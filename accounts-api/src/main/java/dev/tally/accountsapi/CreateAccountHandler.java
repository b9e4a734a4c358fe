package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;

/** {@code POST /accounts} with an optional {@code {"owner": "..."}}: 201 with the new account. */
public final class CreateAccountHandler extends ApiHandler {

    private final AccountService accounts;

    public CreateAccountHandler() {
        this(AccountsApiEnvironment.shared());
    }

    public CreateAccountHandler(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request) {
        var owner = ApiRequests.optionalJsonBody(request).allowOnly("owner").optionalString("owner", 200);
        var result = accounts.execute(ApiRequests.principal(request), new AccountRequest.Create(owner),
                ApiRequests.idempotencyKey(request));
        return AccountResponses.of(result, 201, request.getRawPath(), null);
    }
}
