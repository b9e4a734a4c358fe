package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.Caller;

/**
 * {@code POST /accounts} with an optional {@code {"displayName": "..."}}: 201 with the new account, owned by the
 * caller.
 */
public final class CreateAccountHandler extends ApiHandler {

    private final AccountService accounts;

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public CreateAccountHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.CREATE_ACCOUNT, this);
    }

    public CreateAccountHandler(AccountService accounts) {
        super(AccountsApiRoute.SERVICE, AccountsApiRoute.CREATE_ACCOUNT.authorizationScopes());
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        var displayName = ApiRequests.optionalJsonBody(request).allowOnly("displayName").displayName();
        var result = accounts.execute(Callers.commandContext(caller), new AccountRequest.Create(displayName),
                ApiRequests.idempotencyKey(request));
        return AccountResponses.of(result, 201, request.getRawPath(), null);
    }
}
