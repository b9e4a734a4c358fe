package dev.tally.cli;

import dev.tally.cli.demo.Claim;
import dev.tally.cli.demo.WithdrawalRace;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance walk-through, over real HTTP, against a stack with a real dynalite process. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DevStackTest {

    private static DevStack stack;
    private static ApiClient api;
    private static long dynalitePid;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStack.Settings.ephemeral(), Progress.silent());
        api = new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "stack-test"));
        dynalitePid = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("dynalite"))
                .findFirst().orElseThrow().pid();
    }

    @AfterAll
    static void stop() {
        stack.close();
        assertThat(ProcessHandle.of(dynalitePid).map(ProcessHandle::isAlive).orElse(false))
                .as("dynalite is stopped with the stack").isFalse();
    }

    private static String open() {
        var created = api.post("/accounts", "{\"displayName\":\"t\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.body().get("accountId").asText();
    }

    /**
     * The gateway's JWT authorizer, as API Gateway's
     * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html): each bad token is
     * a 401 on every route, a token without the route's scope a 403, and none of them writes anything.
     */
    @Test
    void bad_tokens_are_refused_on_every_route_and_nothing_is_written() {
        var id = open();
        var identity = stack.identityProvider();
        var owner = RenewingToken.OWNER_SCOPES;
        var badTokens = new java.util.LinkedHashMap<String, java.util.function.Supplier<String>>();
        badTokens.put("no token", () -> null);
        badTokens.put("expired", () -> identity.token().subject("alice").audience(DevStack.AUDIENCE).scopes(owner).expired().mint());
        badTokens.put("unknown key", () -> identity.token().subject("alice").audience(DevStack.AUDIENCE).scopes(owner)
                .signedByUnknownKey().mint());
        badTokens.put("wrong issuer", () -> identity.token().subject("alice").audience(DevStack.AUDIENCE).scopes(owner)
                .issuer("https://elsewhere.example.com").mint());
        badTokens.put("wrong audience", () -> identity.token().subject("alice").audience("other").scopes(owner).mint());
        badTokens.put("no sub", () -> identity.token().withoutSubject().audience(DevStack.AUDIENCE).scopes(owner).mint());
        long itemsBefore = eventItems();
        var routes = java.util.List.of("POST /accounts", "GET /accounts", "GET /accounts/" + id, "POST /accounts/" + id + "/credit",
                "POST /accounts/" + id + "/withdraw", "GET /accounts/" + id + "/events", "GET /balances/" + id);
        badTokens.forEach((what, token) -> {
            var caller = api.as(token);
            for (var route : routes) {
                var path = route.substring(route.indexOf(' ') + 1);
                var response = route.startsWith("GET") ? caller.get(path) : caller.post(path, "{\"amount\": \"5.00\"}");
                assertThat(response.status()).as(what + " on " + route + ": " + response.text()).isEqualTo(401);
            }
        });
        var readOnly = api.as(() -> stack.token("stack-test", java.util.List.of(dev.tally.http.ApiScopes.READ)));
        assertThat(readOnly.post("/accounts/" + id + "/credit", "{\"amount\": 5}").status()).isEqualTo(403);
        assertThat(readOnly.post("/accounts/" + id + "/withdraw", "{\"amount\": 5}").status()).isEqualTo(403);
        assertThat(readOnly.get("/accounts/" + id).status()).as("reading needs only ledger:read").isEqualTo(200);
        assertThat(api.get("/accounts/" + id).body().get("version").asLong()).isEqualTo(1);
        assertThat(eventItems()).as("no event was written anywhere").isEqualTo(itemsBefore);
    }

    /**
     * Issue 11's "owners are kept apart", through the gateway, the handlers and the projection's read API: Bob's token
     * on Alice's account is the 404 of an unknown account on all five routes; an auditor reads but never moves money.
     */
    @Test
    void owners_are_kept_apart_on_every_route_and_an_auditor_reads_but_never_moves_money() throws Exception {
        var alice = api.as(RenewingToken.of(stack, "alice-" + java.util.UUID.randomUUID()));
        var bob = api.as(RenewingToken.of(stack, "bob"));
        var account = alice.post("/accounts", "{\"displayName\":\"Alice\"}").body().get("accountId").asText();
        var second = alice.post("/accounts", null).body().get("accountId").asText();
        alice.post("/accounts/" + account + "/credit", "{\"amount\": \"10.00\"}");
        var unknown = java.util.UUID.randomUUID().toString();
        long itemsBefore = eventItems();

        for (var route : java.util.List.of("GET /accounts/%s", "GET /accounts/%s/events", "POST /accounts/%s/credit",
                "POST /accounts/%s/withdraw", "GET /balances/%s")) {
            var path = route.substring(route.indexOf(' ') + 1);
            var theirs = route.startsWith("GET") ? bob.get(path.formatted(account)) : bob.post(path.formatted(account), "{\"amount\": 1}");
            var none = route.startsWith("GET") ? bob.get(path.formatted(unknown)) : bob.post(path.formatted(unknown), "{\"amount\": 1}");
            assertThat(theirs.status()).as(route).isEqualTo(404);
            assertThat(theirs.text().replace(account, "ID")).as(route).isEqualTo(none.text().replace(unknown, "ID"));
        }
        var auditor = api.as(() -> stack.token("auditor", java.util.List.of(dev.tally.http.ApiScopes.ADMIN)));
        var statement = auditor.get("/accounts/" + account + "/events");
        assertThat(auditor.get("/accounts/" + account).body().get("balance").asText()).isEqualTo("10.00");
        assertThat(statement.status()).isEqualTo(200);
        assertThat(statement.body().get("events").get(1).get("actor").get("subject").asText()).startsWith("alice-");
        assertThat(statement.body().get("events").get(1).get("requestId").asText()).isNotBlank();
        assertThat(auditor.post("/accounts/" + account + "/withdraw", "{\"amount\": 1}").status()).isEqualTo(403);
        assertThat(eventItems()).as("nothing refused wrote anything").isEqualTo(itemsBefore);

        var listed = new java.util.ArrayList<String>();
        alice.get("/accounts").body().get("accounts").forEach(a -> listed.add(a.get("accountId").asText()));
        assertThat(listed).containsExactlyInAnyOrder(account, second);

        // the published event (schema version 3) names its owner and actor, the request and its correlation id
        var stream = new dev.tally.cli.load.DomainEventStream(stack.kinesis(), dev.tally.contracts.PublishedStream.DEFAULT_NAME);
        var records = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> stream.readAll().values().stream().flatMap(java.util.List::stream)
                        .filter(r -> r.event().accountId().equals(account)).toList(), found -> found.size() == 2);
        var published = records.stream().map(dev.tally.cli.load.DomainEventStream.Received::event).toList();
        var created = (dev.tally.contracts.DomainEvent.AccountCreated) published.get(0);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(records.get(0).data()).get("schemaVersion").intValue())
                .as("as published").isEqualTo(3);
        assertThat(created.owner().subject()).startsWith("alice-");
        assertThat(created.displayName()).isEqualTo("Alice");
        assertThat(published.get(1).actor()).isEqualTo(created.owner());
        assertThat(published.get(1).requestId()).isEqualTo(statement.body().get("events").get(1).get("requestId").asText());
        assertThat(published.get(1).correlationId()).isNotBlank()
                .isEqualTo(statement.body().get("events").get(1).get("correlationId").asText());
    }

    /**
     * Issue 12's first part: records no subscriber can read, put straight onto every shard, are parked by both
     * subscriptions with the record and the reason, and neither stalls: the projection goes on to later events.
     */
    @Test
    void unreadable_records_on_the_stream_are_parked_by_every_subscription_and_nothing_stalls() {
        var stream = dev.tally.contracts.PublishedStream.DEFAULT_NAME;
        var positions = dev.tally.cli.demo.StreamPoison.putOnEveryShard(stack.kinesis(), stream);
        // later events on every shard: an account per shard, each credited after the poison
        var accountByShard = new java.util.TreeMap<String, String>();
        for (int tries = 0; accountByShard.size() < dev.tally.cli.demo.StreamPoison.shardCount(stack.kinesis(), stream)
                && tries < 64; tries++) {
            var id = open();
            accountByShard.putIfAbsent(dev.tally.cli.demo.StreamPoison.shardOf(stack.kinesis(), stream, id), id);
        }
        assertThat(accountByShard).hasSize(dev.tally.cli.demo.StreamPoison.shardCount(stack.kinesis(), stream));
        accountByShard.values().forEach(id -> api.post("/accounts/" + id + "/credit", "{\"amount\": \"5.00\"}"));

        for (var subscription : dev.tally.devstack.StackSubscriptions.names()) {
            var parked = org.awaitility.Awaitility.await(subscription + " parks every unreadable record")
                    .atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> dev.tally.cli.demo.StreamPoison.parked(stack.dynamo(), subscription, positions),
                            found -> found.size() == positions.size());
            assertThat(dev.tally.cli.demo.StreamPoison.allParkedAsTheirKind(parked, positions)).as(parked.toString()).isTrue();
            assertThat(parked).allSatisfy(letter -> assertThat(letter.reason()).isNotBlank());
        }
        accountByShard.forEach((shard, id) -> {
            var balance = org.awaitility.Awaitility.await("the projection to go on past the poison on " + shard)
                    .atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> api.get("/balances/" + id), response -> response.status() == 200
                            && response.body().get("version").asLong() == 2);
            assertThat(balance.body().get("balance").asText()).isEqualTo("5.00");
            var examplePositions = new dev.tally.subscriptions.DynamoPositionStore(stack.dynamo(),
                    dev.tally.subscriptions.PositionTable.nameFor(example.alerts.AlertsSettings.DEFAULT_SUBSCRIPTION));
            org.awaitility.Awaitility.await("the example subscriber to go on past the poison on " + shard)
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> examplePositions.position(id).version() == 2);
        });
    }

    /**
     * A subscriber that misses versions fetches them through the statement API (GapPolicy.Fetch) with a token that
     * may read the account, and handles them first, in order.
     */
    @Test
    void a_gap_is_filled_from_the_statement_api_in_version_order() {
        var id = open();
        for (var amount : java.util.List.of("5.00", "2.50", "1.25")) {
            assertThat(api.post("/accounts/" + id + "/credit", "{\"amount\": \"" + amount + "\"}").status()).isEqualTo(200);
        }
        var handled = new java.util.ArrayList<dev.tally.contracts.DomainEvent>();
        var statement = new dev.tally.subscriptions.StatementApi(stack.apiEndpoint(), RenewingToken.auditor(stack, "gap-filler"),
                java.net.http.HttpClient.newHttpClient(), java.time.Duration.ofSeconds(10));
        var fixture = dev.tally.subscriptions.testing.SubscriptionFixture.inOrder(handled::add)
                .withGaps(new dev.tally.subscriptions.GapPolicy.Fetch(statement))
                .given(id, 1);

        fixture.when(new dev.tally.contracts.DomainEvent.BalanceCredited(dev.tally.contracts.DomainEvent.eventIdFor(id, 4), id, 4,
                java.time.Instant.now(), 125, 875, null, null, null, null));

        assertThat(fixture.deadLetters()).isEmpty();
        assertThat(handled).extracting(dev.tally.contracts.DomainEvent::version).containsExactly(2L, 3L, 4L);
        var fetched = (dev.tally.contracts.DomainEvent.BalanceCredited) handled.get(1);
        assertThat(fetched.amountMinor()).isEqualTo(250);
        assertThat(fetched.balanceAfterMinor()).isEqualTo(750);
        assertThat(fetched.eventId()).isEqualTo(dev.tally.contracts.DomainEvent.eventIdFor(id, 3));
        assertThat(fetched.actor()).isNotNull();
        assertThat(fixture.position(id).version()).isEqualTo(4);
    }

    private static long eventItems() {
        return stack.dynamo().scanPaginator(b -> b.tableName(dev.tally.eventstore.EventTable.DEFAULT_NAME).select("COUNT"))
                .stream().mapToLong(page -> page.count()).sum();
    }

    @Test
    void create_credit_withdraw_then_get_shows_69_50_at_version_3() {
        var id = open();

        api.post("/accounts/" + id + "/credit", "{\"amount\": \"100.00\"}");
        api.post("/accounts/" + id + "/withdraw", "{\"amount\": \"30.50\"}");

        var account = api.get("/accounts/" + id);
        assertThat(account.status()).isEqualTo(200);
        assertThat(account.body().get("balance").asText()).isEqualTo("69.50");
        assertThat(account.body().get("version").asLong()).isEqualTo(3);
    }

    @Test
    void no_client_mistake_gives_a_5xx() {
        var id = open();
        String[] bodies = {"{\"amount\": -5}", "{\"amount\": \"1.001\"}", "{\"amount\": \"abc\"}", "{\"amount\": 0}",
                "{\"amount\": null}", "{}", "not json", "", "[]", "{\"amount\": {\"x\": 1}}", "{\"amount\": 1e999999}"};
        for (var body : bodies) {
            var response = api.post("/accounts/" + id + "/credit", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.header("Content-Type")).as(body).isEqualTo("application/problem+json");
        }
        assertThat(api.post("/accounts/" + id + "/withdraw", "{\"amount\": 1000}").status()).isEqualTo(422);
        assertThat(api.get("/accounts/00000000-0000-4000-8000-000000000000").status()).isEqualTo(404);
        assertThat(api.get("/accounts/not-a-uuid").status()).isEqualTo(400);
        assertThat(api.get("/accounts/" + id + "/events?limit=1000").status()).isEqualTo(400);
        assertThat(api.get("/accounts/" + id).body().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void sixty_four_concurrent_withdrawals_of_1_against_50_leave_exactly_0_with_a_gapless_statement() throws Exception {
        var id = open();
        api.post("/accounts/" + id + "/credit", "{\"amount\": 50}");

        var race = WithdrawalRace.run(api, id, 64);

        assertThat(race.applied()).isEqualTo(50);
        assertThat(race.refused()).isEqualTo(14);
        assertThat(race.balanceAfter()).isEqualTo("0.00");
        assertThat(race.statementVersions()).containsExactlyElementsOf(LongStream.rangeClosed(1, 52).boxed().toList());
        assertThat(Claim.failed(race.claims())).as("claims that did not hold").isEmpty();
    }

    @Test
    void a_post_repeated_with_the_same_idempotency_key_returns_the_same_response_and_appends_one_event() {
        var id = open();

        var first = api.post("/accounts/" + id + "/credit", "{\"amount\": 5}", "Idempotency-Key", "same-key");
        var second = api.post("/accounts/" + id + "/credit", "{\"amount\": 5}", "Idempotency-Key", "same-key");

        assertThat(second.status()).isEqualTo(first.status()).isEqualTo(200);
        assertThat(second.text()).isEqualTo(first.text());
        var items = stack.dynamo().query(b -> b.tableName("events").keyConditionExpression("Id = :id")
                .expressionAttributeValues(java.util.Map.of(":id", AttributeValue.fromS(id)))).items();
        assertThat(items).hasSize(2);
    }

    @Test
    void the_table_holds_one_item_per_event() {
        var id = open();
        api.post("/accounts/" + id + "/credit", "{\"amount\": 5}");

        var items = stack.dynamo().scan(b -> b.tableName("events")).items().stream()
                .filter(item -> item.get("Id").s().equals(id)).toList();

        assertThat(items).extracting(item -> item.get("Type").s()).containsExactlyInAnyOrder("AccountCreated", "BalanceCredited");
    }
}
