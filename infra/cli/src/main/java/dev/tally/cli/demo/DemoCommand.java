package dev.tally.cli.demo;

import dev.tally.cli.TallyCli;
import dev.tally.cli.UpCommand;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.observe.LogFolder;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.http.ApiScopes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Starts a throwaway stack on free ports, runs a scripted scenario through the HTTP API, checks its own
 * invariants, and stops everything it started. Exit code 1 if any check fails. Steps 1 to 6 (the write side) are
 * here, {@link OwnershipDemo} is step 7, {@link PipelineDemo} has 8 to 11, {@link AlertsDemo} is step 12, {@link LakeDemo} step 13 and {@link ObservabilityDemo} step 14.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a scripted scenario on a fresh local stack and check it.",
                "Uses free ports and in-memory data; stops everything it starts. Exit code 1 if a check fails."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--concurrent-withdrawals", defaultValue = "50",
            description = "How many withdrawals of 1.00 race on one account (default: ${DEFAULT-VALUE}).")
    int concurrentWithdrawals;

    private DemoChecks checks;

    @Override
    public Integer call() throws Exception {
        var progress = new Progress(System.out);
        checks = new DemoChecks(progress);
        var logs = TallyCli.home().resolve(".tally/demo/logs");
        UpCommand.deleteRecursively(logs);
        var observability = new ObservabilityDemo(checks);
        try (var stack = DevStack.start(DevStack.Settings.ephemeral().withLogDir(logs), progress)) {
            checks.step("stack up: API " + stack.apiEndpoint() + ", DynamoDB " + stack.dynamoEndpoint());
            var api = new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "alice"));
            run(stack, api);
            badTokens(stack, api);
            var pipeline = new PipelineDemo(checks);
            pipeline.everyWriteReachedKinesis(stack);
            pipeline.poisonIsMovedAside(stack, api);
            pipeline.poisonOnTheStreamIsParked(stack, api);
            pipeline.projectionAgrees(stack, api.as(RenewingToken.auditor(stack, "demo-auditor")));
            new AlertsDemo(checks).run(stack, api.as(RenewingToken.of(stack, "dave")));
            new LakeDemo(checks).run(stack);
            observability.followOneRequest(stack, api, new LogFolder(logs));
            checks.step("stopping the stack");
        }
        observability.everyLineIsJson(new LogFolder(logs));
        System.out.println("          logs: " + logs + "   (./tally logs --dir " + TallyCli.home().relativize(logs)
                + ", ./tally metrics --dir " + TallyCli.home().relativize(logs) + ")");
        System.out.println();
        var failures = checks.failures();
        if (failures.isEmpty()) {
            System.out.printf("Demo passed: %d of %d checks held.%n", checks.count(), checks.count());
            return 0;
        }
        System.out.printf("Demo FAILED: %d of %d checks failed:%n", failures.size(), checks.count());
        failures.forEach(f -> System.out.println("  - " + f));
        return 1;
    }

    /**
     * The gateway's JWT authorizer, as API Gateway's: a bad token gets a 401 and a token without the route's scope
     * a 403, and neither reaches a handler, so nothing is written.
     */
    private void badTokens(DevStack stack, ApiClient api) {
        checks.step("tokens: the gateway verifies each one as API Gateway's JWT authorizer does");
        var account = checks.open(api, "Token check");
        var identity = stack.identityProvider();
        var owner = RenewingToken.OWNER_SCOPES;
        Object[][] cases = {
                {"no token", (java.util.function.Supplier<String>) () -> null, 401},
                {"an expired token", (java.util.function.Supplier<String>) () -> identity.token().subject("alice")
                        .audience(DevStack.AUDIENCE).scopes(owner).expired().mint(), 401},
                {"a token signed by a key not in the JWKS", (java.util.function.Supplier<String>) () -> identity.token()
                        .subject("alice").audience(DevStack.AUDIENCE).scopes(owner).signedByUnknownKey().mint(), 401},
                {"the wrong issuer", (java.util.function.Supplier<String>) () -> identity.token().subject("alice")
                        .audience(DevStack.AUDIENCE).scopes(owner).issuer("https://elsewhere.example.com").mint(), 401},
                {"the wrong audience", (java.util.function.Supplier<String>) () -> identity.token().subject("alice")
                        .audience("someone-else").scopes(owner).mint(), 401},
                {"a token without sub", (java.util.function.Supplier<String>) () -> identity.token().withoutSubject()
                        .audience(DevStack.AUDIENCE).scopes(owner).mint(), 401},
                {"a read-only token", (java.util.function.Supplier<String>) () -> stack.token("alice",
                        java.util.List.of(ApiScopes.READ)), 403},
        };
        for (var c : cases) {
            @SuppressWarnings("unchecked")
            var caller = api.as((java.util.function.Supplier<String>) c[1]);
            var response = caller.post(DemoChecks.path(account, "credit"), "{\"amount\": \"5.00\"}");
            checks.check("credit with " + c[0] + " is a " + c[2], response.status() == (int) c[2], response.text());
            System.out.printf("          -> %-40s %d %s%n", c[0], response.status(), response.text());
        }
        checks.check("the refused credits changed nothing",
                api.get("/accounts/" + account).body().path("version").asLong() == 1, "");
    }

    private void run(DevStack stack, ApiClient api) throws Exception {
        checks.step("[1/14] two users, alice and bob, each open an account");
        var bobApi = api.as(RenewingToken.of(stack, "bob"));
        var alice = checks.open(api, "Alice");
        var bob = checks.open(bobApi, "Bob");

        checks.step("[2/14] Alice: credit 100.00, withdraw 30.50");
        checks.expectStatus("credit Alice 100.00", api.post(DemoChecks.path(alice, "credit"), "{\"amount\": \"100.00\"}"), 200);
        checks.expectStatus("withdraw 30.50 from Alice", api.post(DemoChecks.path(alice, "withdraw"), "{\"amount\": 30.50}"), 200);
        var aliceNow = api.get("/accounts/" + alice);
        checks.check("Alice's balance is 69.50 at version 3", "69.50".equals(aliceNow.body().path("balance").asText())
                && aliceNow.body().path("version").asLong() == 3, aliceNow.text());

        checks.step("[3/14] Alice tries to withdraw 1000.00");
        var overdraft = api.post(DemoChecks.path(alice, "withdraw"), "{\"amount\": \"1000.00\"}");
        checks.check("an overdraft is refused with 422", overdraft.status() == 422, overdraft.text());
        System.out.println("          -> " + overdraft.status() + " " + overdraft.body().path("detail").asText());
        checks.check("the refused withdrawal changed nothing",
                "69.50".equals(api.get("/accounts/" + alice).body().path("balance").asText()), "");

        checks.step("[4/14] bad requests get a 400 problem naming the field and value");
        badRequests(bobApi, bob);

        checks.step("[5/14] " + concurrentWithdrawals + " concurrent withdrawals of 1.00 from Carol's 30.00");
        race(api.as(RenewingToken.of(stack, "carol")));

        checks.step("[6/14] a credit retried with the same Idempotency-Key");
        idempotentRetry(bobApi, bob);

        checks.step("[7/14] owners are kept apart: neither user can see nor move the other's money");
        new OwnershipDemo(checks, stack).run(api, alice, bobApi, bob);

        System.out.println();
        System.out.println("Accounts (write side):");
        for (var owned : List.of(List.of(api, alice), List.of(bobApi, bob))) {
            var id = (String) owned.get(1);
            var account = ((ApiClient) owned.get(0)).get("/accounts/" + id).body();
            System.out.printf("  %s  balance %10s  version %d%n", id, account.path("balance").asText(),
                    account.path("version").asLong());
        }
    }

    private void badRequests(ApiClient api, String account) {
        String[][] cases = {
                {"{\"amount\": -5}", "negative amount"},
                {"{\"amount\": \"1.001\"}", "three decimals"},
                {"{\"amount\": \"abc\"}", "not a number"},
                {"{\"amount\": 0}", "zero"},
                {"{\"amount\": null}", "null"},
                {"{}", "missing amount"},
                {"this is not json", "not JSON"},
                {"{\"amount\": 1, \"amount\": 1000}", "a duplicate key"},
                {"{\"amount\": \"+5\"}", "a sign"},
                {"{\"amount\": 1e2}", "an exponent"},
                {"{\"amount\": \"\u0661\u0660\u0660\"}", "Arabic digits"},
                {"{\"amount\": 5, \"currency\": \"EUR\"}", "an unknown field"},
        };
        for (var c : cases) {
            var response = api.post(DemoChecks.path(account, "credit"), c[0]);
            checks.check("credit with " + c[1] + " is a 400", response.status() == 400, response.text());
            System.out.printf("          -> %-18s %d %s%n", c[1], response.status(), response.body().path("detail").asText());
        }
        var evil = api.post(DemoChecks.path(account, "credit"), "{\"amount\": 5}", "Content-Type", "application/evil+json");
        checks.check("credit as application/evil+json is a 400", evil.status() == 400, evil.text());
        var malformed = api.post("/accounts/not-a-uuid/credit", "{\"amount\": 1}");
        checks.check("a malformed account id is a 400", malformed.status() == 400, malformed.text());
        var unknown = api.get("/accounts/00000000-0000-4000-8000-000000000000");
        checks.check("an unknown account is a 404", unknown.status() == 404, unknown.text());
        checks.check("the bad requests changed nothing",
                api.get("/accounts/" + account).body().path("version").asLong() == 1, "");
    }

    private void race(ApiClient api) throws Exception {
        var carol = checks.open(api, "Carol");
        checks.expectStatus("credit Carol 30.00", api.post(DemoChecks.path(carol, "credit"), "{\"amount\": 30}"), 200);
        var race = WithdrawalRace.run(api, carol, concurrentWithdrawals);
        System.out.printf("          -> %d applied, %d refused, %d other; balance %s; statement versions 1..%d%n", race.applied(),
                race.refused(), race.other(), race.balanceAfter(), race.statementVersions().size());
        checks.check(race.claims());
    }

    private void idempotentRetry(ApiClient api, String bob) {
        var before = api.get("/accounts/" + bob).body().path("version").asLong();
        var key = "demo-" + java.util.UUID.randomUUID();
        var first = api.post(DemoChecks.path(bob, "credit"), "{\"amount\": \"20.00\"}", "Idempotency-Key", key);
        var retry = api.post(DemoChecks.path(bob, "credit"), "{\"amount\": \"20.00\"}", "Idempotency-Key", key);
        System.out.println("          -> first: " + first.status() + " " + first.text());
        System.out.println("          -> retry: " + retry.status() + " " + retry.text() + "  (Idempotent-Replayed: "
                + retry.header("Idempotent-Replayed") + ")");
        checks.check("the retry returns the same response", first.status() == 200 && first.text().equals(retry.text()), retry.text());
        checks.check("the credit was applied once", api.get("/accounts/" + bob).body().path("version").asLong() == before + 1, "");
        var misuse = api.post(DemoChecks.path(bob, "credit"), "{\"amount\": \"21.00\"}", "Idempotency-Key", key);
        checks.check("the same key with a different amount is a 422", misuse.status() == 422, misuse.text());
    }
}
