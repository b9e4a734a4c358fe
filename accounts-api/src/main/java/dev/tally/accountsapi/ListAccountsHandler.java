package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountId;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.ApiResponses;
import dev.tally.http.Caller;
import dev.tally.http.Problem;
import dev.tally.http.ProblemException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /accounts?after=&limit=}: one page of the caller's own accounts, in account id order, with the cursor of
 * the next page. It reads the events table's owners index (a Query, never a scan), which is eventually consistent: an
 * account opened a moment ago may be missing for a moment.
 */
public final class ListAccountsHandler extends ApiHandler {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    private final AccountService accounts;

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public ListAccountsHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.LIST_ACCOUNTS, this);
    }

    public ListAccountsHandler(AccountService accounts) {
        super(AccountsApiRoute.SERVICE, AccountsApiRoute.LIST_ACCOUNTS.authorizationScopes());
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        int limit = (int) ApiRequests.queryNumber(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        var after = after(request);
        var page = accounts.accountsOf(caller.principal(), after, limit);
        List<Map<String, Object>> entries = page.accounts().stream().map(account -> {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("accountId", account.accountId().toString());
            entry.put("displayName", account.displayName());
            entry.put("openedAt", account.openedAt().toString());
            return (Map<String, Object>) entry;
        }).toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("accounts", entries);
        var next = page.next();
        body.put("nextAfter", next.map(AccountId::toString).orElse(null));
        body.put("next", next.map(id -> "/accounts?after=" + id + "&limit=" + limit).orElse(null));
        return ApiResponses.json(200, body, Map.of());
    }

    /** The {@code after} cursor: an account id, as a page's {@code nextAfter} gives it. */
    private static Optional<AccountId> after(APIGatewayV2HTTPEvent request) {
        var raw = request.getQueryStringParameters() == null ? null : request.getQueryStringParameters().get("after");
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AccountId.parse(raw));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.badRequest("invalid-after", "Invalid after",
                    "after must be an account id, as nextAfter gives it, was " + raw, "after", raw));
        }
    }
}
