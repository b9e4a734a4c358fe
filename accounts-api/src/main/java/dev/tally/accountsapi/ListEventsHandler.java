package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.EventType;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.ApiResponses;
import dev.tally.http.Caller;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /accounts/{id}/events?after=&limit=}: one page of the account's statement, oldest first, with who caused
 * each event and the cursor of the next page; 404 to anyone who may not read the account.
 */
public final class ListEventsHandler extends ApiHandler {

    private final AccountService accounts;

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    /** Lambda's constructor: the container's service, and this handler primed before a SnapStart snapshot. */
    public ListEventsHandler() {
        this(AccountsApiEnvironment.shared());
        SnapStartPriming.register(AccountsApiRoute.LIST_EVENTS, this);
    }

    public ListEventsHandler(AccountService accounts) {
        super(AccountsApiRoute.SERVICE, AccountsApiRoute.LIST_EVENTS.authorizationScopes());
        this.accounts = accounts;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        var id = ApiRequests.accountId(request);
        long after = ApiRequests.queryNumber(request, "after", 0, Long.MAX_VALUE - 1, 0);
        int limit = (int) ApiRequests.queryNumber(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        // The owner comes from the snapshot the load reads anyway: one Query of at most the snapshot interval's items
        var state = accounts.get(id);
        if (!state.exists() || !caller.mayRead(state.owner())) {
            return ApiResponses.problem(AccountResponses.notFound(id), request.getRawPath(), Map.of());
        }
        var page = accounts.statement(id, after, limit);
        List<Map<String, Object>> entries = page.events().stream().map(recorded -> {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("version", recorded.version());
            entry.put("type", EventType.of(recorded.event()).typeName());
            entry.put("amount", switch (recorded.event()) {
                case AccountEvent.AccountCreated created -> null;
                case AccountEvent.BalanceCredited credited -> credited.amount().toString();
                case AccountEvent.BalanceWithdrawn withdrawn -> withdrawn.amount().toString();
            });
            entry.put("balanceAfter", recorded.balanceAfter().toString());
            entry.put("occurredAt", recorded.event().occurredAt().toString());
            entry.put("actor", recorded.metadata().actor().map(AccountResponses::principal).orElse(null));
            entry.put("requestId", recorded.metadata().requestId().orElse(null));
            entry.put("correlationId", recorded.metadata().correlationId().orElse(null));
            return (Map<String, Object>) entry;
        }).toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("accountId", id.toString());
        body.put("events", entries);
        var next = page.nextAfter();
        body.put("nextAfter", next.isPresent() ? next.getAsLong() : null);
        body.put("next", next.isPresent() ? "/accounts/" + id + "/events?after=" + next.getAsLong() + "&limit=" + limit : null);
        return ApiResponses.json(200, body, Map.of());
    }
}
