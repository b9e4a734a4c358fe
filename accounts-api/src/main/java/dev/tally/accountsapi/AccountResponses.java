package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.Rejection;
import dev.tally.http.ApiResponses;
import dev.tally.http.Problem;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of account responses, and how each command result maps to HTTP. */
final class AccountResponses {

    private AccountResponses() {
    }

    static Map<String, Object> account(AccountId accountId, Money balance, long version) {
        var body = new LinkedHashMap<String, Object>();
        body.put("accountId", accountId.toString());
        body.put("balance", balance.toString());
        body.put("version", version);
        return body;
    }

    /** A principal as the API shows it: {@code {"issuer": ..., "subject": ...}}. */
    static Map<String, Object> principal(Principal principal) {
        var body = new LinkedHashMap<String, Object>();
        body.put("issuer", principal.issuer());
        body.put("subject", principal.subject());
        return body;
    }

    /** @param amount the amount the request asked to move, named in a refusal; null for a creation */
    static APIGatewayV2HTTPResponse of(CommandResult result, int successStatus, String path, Money amount) {
        return switch (result) {
            case CommandResult.Applied applied -> {
                var headers = new LinkedHashMap<String, String>();
                if (successStatus == 201) {
                    headers.put("Location", "/accounts/" + applied.accountId());
                }
                if (applied.replayed()) {
                    headers.put("Idempotent-Replayed", "true");
                }
                yield ApiResponses.json(successStatus, account(applied.accountId(), applied.balance(), applied.version()), headers);
            }
            case CommandResult.Refused refused -> ApiResponses.problem(refusal(refused.rejection(), refused.accountId(), amount),
                    path, refused.replayed() ? Map.of("Idempotent-Replayed", "true") : Map.of());
            case CommandResult.ContentionExhausted busy -> ApiResponses.problem(new Problem(409, "concurrent-update",
                    "Too many concurrent updates", "account " + busy.accountId() + " changed under " + busy.attempts()
                    + " attempts in a row; retry the request", null, null), path, Map.of("Retry-After", "1"));
            case CommandResult.InProgress inProgress -> ApiResponses.problem(new Problem(409, "request-in-progress",
                    "Request in progress", "a request with Idempotency-Key \"" + inProgress.idempotencyKey()
                    + "\" is still being processed; retry after " + inProgress.retryAfter(), "Idempotency-Key",
                    inProgress.idempotencyKey()), path, Map.of("Retry-After", "15"));
            case CommandResult.KeyReused reused -> ApiResponses.problem(new Problem(422, "idempotency-key-reused",
                    "Idempotency-Key reused", "Idempotency-Key \"" + reused.idempotencyKey()
                    + "\" was first used for a different request", "Idempotency-Key", reused.idempotencyKey()),
                    path, Map.of());
        };
    }

    static Problem notFound(AccountId accountId) {
        return refusal(new Rejection(Rejection.Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist"),
                accountId, null);
    }

    /**
     * The problem for a refusal, naming the value it is about: the account id, or the amount asked for.
     *
     * @param amount null when the request moved no money
     */
    static Problem refusal(Rejection rejection, AccountId accountId, Money amount) {
        var id = accountId.toString();
        var asked = amount == null ? null : amount.toString();
        return switch (rejection.reason()) {
            case ACCOUNT_NOT_FOUND -> new Problem(404, "account-not-found", "Account not found", rejection.message(), "id", id);
            case ACCOUNT_ALREADY_EXISTS -> new Problem(409, "account-exists", "Account already exists", rejection.message(), "id", id);
            case INSUFFICIENT_FUNDS -> new Problem(422, "insufficient-funds", "Insufficient funds", rejection.message(), "amount", asked);
            case BALANCE_LIMIT_EXCEEDED -> new Problem(422, "balance-limit", "Balance limit exceeded", rejection.message(), "amount", asked);
        };
    }
}
