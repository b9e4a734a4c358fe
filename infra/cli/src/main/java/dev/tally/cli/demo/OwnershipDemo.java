package dev.tally.cli.demo;

import dev.tally.cli.load.ApiClient;
import dev.tally.devstack.DevStack;
import dev.tally.http.ApiScopes;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Demo step 7: each account answers only its owner. Another user gets the 404 of an unknown account on every route,
 * a read-only token a 403 on money movements, and an auditor ({@code ledger:admin}) reads any account but moves no
 * money; {@code GET /accounts} lists exactly one's own. Nothing refused changes anything.
 */
final class OwnershipDemo {

    private final DemoChecks checks;
    private final DevStack stack;

    OwnershipDemo(DemoChecks checks, DevStack stack) {
        this.checks = checks;
        this.stack = stack;
    }

    void run(ApiClient alice, String alicesAccount, ApiClient bob, String bobsAccount) {
        long aliceVersion = version(alice, alicesAccount);
        long bobVersion = version(bob, bobsAccount);

        strangerSeesNothing("bob", bob, "Alice's", alicesAccount);
        strangerSeesNothing("alice", alice, "Bob's", bobsAccount);

        var readOnly = alice.as(() -> stack.token("alice", List.of(ApiScopes.READ)));
        for (var route : List.of("credit", "withdraw")) {
            var response = readOnly.post(DemoChecks.path(alicesAccount, route), "{\"amount\": \"1.00\"}");
            checks.check("Alice's read-only token on her own " + route + " is a 403", response.status() == 403, response.text());
            System.out.printf("          -> alice (ledger:read) %-8s own account   %d %s%n", route, response.status(),
                    response.body().path("detail").asText(response.body().path("message").asText()));
        }

        var auditor = alice.as(() -> stack.token("auditor", List.of(ApiScopes.ADMIN)));
        var account = auditor.get("/accounts/" + alicesAccount);
        var statement = auditor.get("/accounts/" + alicesAccount + "/events");
        checks.check("an auditor (ledger:admin) reads Alice's account", account.status() == 200
                && "69.50".equals(account.body().path("balance").asText()), account.text());
        checks.check("an auditor reads Alice's statement, which names who did each thing", statement.status() == 200
                && "alice".equals(statement.body().path("events").path(1).path("actor").path("subject").asText()),
                statement.text());
        System.out.printf("          -> auditor GET account: %d balance %s; statement: %d events, version 2 by %s%n",
                account.status(), account.body().path("balance").asText(), statement.body().path("events").size(),
                statement.body().path("events").path(1).path("actor"));
        var withdrawal = auditor.post(DemoChecks.path(alicesAccount, "withdraw"), "{\"amount\": \"1.00\"}");
        checks.check("an auditor cannot withdraw from Alice's account (403: no ledger:write)", withdrawal.status() == 403,
                withdrawal.text());
        var auditorWhoWrites = alice.as(() -> stack.token("auditor", List.of(ApiScopes.ADMIN, ApiScopes.WRITE)));
        var stillRefused = auditorWhoWrites.post(DemoChecks.path(alicesAccount, "withdraw"), "{\"amount\": \"1.00\"}");
        checks.check("an auditor who also holds ledger:write still cannot (404: not the owner)",
                stillRefused.status() == 404, stillRefused.text());
        System.out.printf("          -> auditor withdraw: %d; with ledger:write too: %d%n", withdrawal.status(),
                stillRefused.status());

        checks.check("GET /accounts lists exactly Alice's accounts for Alice", listed(alice).equals(List.of(alicesAccount)),
                listed(alice).toString());
        checks.check("GET /accounts lists exactly Bob's accounts for Bob", listed(bob).equals(List.of(bobsAccount)),
                listed(bob).toString());
        System.out.printf("          -> GET /accounts: alice %s, bob %s%n", listed(alice), listed(bob));

        checks.check("nothing refused changed either account", version(alice, alicesAccount) == aliceVersion
                && version(bob, bobsAccount) == bobVersion, "");
    }

    /** Every route on someone else's account answers exactly as for an account that does not exist. */
    private void strangerSeesNothing(String who, ApiClient stranger, String whose, String account) {
        var unknown = UUID.randomUUID().toString();
        for (var route : List.of("GET /accounts/%s", "GET /accounts/%s/events", "POST /accounts/%s/credit",
                "POST /accounts/%s/withdraw", "GET /balances/%s")) {
            var method = route.substring(0, route.indexOf(' '));
            var path = route.substring(route.indexOf(' ') + 1);
            var theirs = send(stranger, method, path.formatted(account));
            var none = send(stranger, method, path.formatted(unknown));
            boolean same = theirs.status() == 404 && none.status() == 404
                    && theirs.text().replace(account, "ID").equals(none.text().replace(unknown, "ID"));
            checks.check(who + " on " + whose + " account: " + method + " " + path.formatted("{id}")
                    + " is the 404 of an unknown account", same, theirs.text() + " vs " + none.text());
            System.out.printf("          -> %-5s %-34s %d %s%n", who, method + " " + path.formatted("{id}"),
                    theirs.status(), theirs.body().path("detail").asText());
        }
    }

    private static ApiClient.Response send(ApiClient api, String method, String path) {
        return method.equals("GET") ? api.get(path) : api.post(path, "{\"amount\": \"1.00\"}");
    }

    private static long version(ApiClient owner, String account) {
        return owner.get("/accounts/" + account).body().path("version").asLong();
    }

    /** Every account GET /accounts lists for the caller, paging through. */
    private static List<String> listed(ApiClient api) {
        var ids = new ArrayList<String>();
        String next = "/accounts?limit=100";
        while (next != null) {
            var page = api.get(next).body();
            page.path("accounts").forEach(a -> ids.add(a.path("accountId").asText()));
            next = page.path("next").isTextual() ? page.path("next").asText() : null;
        }
        return ids;
    }
}
