package dev.tally.accountsapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Principal;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.InMemoryEventStore;
import dev.tally.eventstore.InMemoryIdempotencyStore;
import dev.tally.http.ApiResponses;
import dev.tally.observability.Correlation;
import dev.tally.observability.testing.CapturedLogs;
import dev.tally.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The handlers, fed API Gateway HTTP API (payload 2.0) events shaped as AWS sends them, over in-memory stores. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class AccountsApiHandlersTest {

    private final InMemoryEventStore events = new InMemoryEventStore();
    private final AccountService service = new AccountService(events, new InMemoryIdempotencyStore(),
            Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC), UUID::randomUUID, AccountService.CONFLICT_RETRIES);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final LocalLambdaContext context = LocalLambdaContext.of("test", "test-request", Duration.ofSeconds(30), logged::add);

    static final String ISSUER = "https://issuer.example.com/";
    static final Principal ALICE = new Principal(ISSUER, "alice");

    /** The AWS-shaped withdraw event, re-aimed at another route, path, body and headers; the caller is Alice. */
    static APIGatewayV2HTTPEvent request(String method, String path, String body, Map<String, String> extraHeaders) {
        var event = EventLoader.loadApiGatewayHttpEvent("events/withdraw.json");
        event.setRawPath(path);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        var segments = path.split("/");
        var params = new HashMap<String, String>();
        if (segments.length > 2) {
            params.put("id", segments[2]);
        }
        event.setPathParameters(params.isEmpty() ? null : params);
        event.setBody(body);
        var headers = new HashMap<>(event.getHeaders());
        headers.putAll(extraHeaders);
        event.setHeaders(headers);
        // what API Gateway's JWT authorizer adds once it has verified the caller's token
        var authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        var jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("sub", "alice", "iss", ISSUER, "aud", "tally"));
        jwt.setScopes(List.of("ledger:read", "ledger:write"));
        authorizer.setJwt(jwt);
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }

    /** {@code event}, as a token of {@code subject} at {@code issuer} with {@code scopes} would reach the handler. */
    static APIGatewayV2HTTPEvent as(APIGatewayV2HTTPEvent event, String issuer, String subject, String... scopes) {
        var jwt = event.getRequestContext().getAuthorizer().getJwt();
        jwt.setClaims(Map.of("sub", subject, "iss", issuer, "aud", "tally", "scope", String.join(" ", scopes)));
        jwt.setScopes(List.of(scopes));
        return event;
    }

    private static APIGatewayV2HTTPEvent get(String path) {
        return request("GET", path, null, Map.of());
    }

    private APIGatewayV2HTTPResponse create() {
        return new CreateAccountHandler(service).handleRequest(request("POST", "/accounts", null, Map.of()), context);
    }

    private String newAccount() throws Exception {
        return json(create()).get("accountId").asText();
    }

    private APIGatewayV2HTTPResponse credit(String id, String body, Map<String, String> headers) {
        return new CreditHandler(service).handleRequest(request("POST", "/accounts/" + id + "/credit", body, headers), context);
    }

    private APIGatewayV2HTTPResponse withdraw(String id, String body, Map<String, String> headers) {
        return new WithdrawHandler(service).handleRequest(request("POST", "/accounts/" + id + "/withdraw", body, headers), context);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return ApiResponses.JSON.readTree(response.getBody());
    }

    @Test
    void creating_an_account_answers_201_with_its_id_balance_and_version() throws Exception {
        var response = create();

        assertThat(response.getStatusCode()).isEqualTo(201);
        var body = json(response);
        assertThat(AccountId.parse(body.get("accountId").asText())).isNotNull();
        assertThat(body.get("balance").isTextual()).isTrue();
        assertThat(body.get("balance").asText()).isEqualTo("0.00");
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(response.getHeaders()).containsEntry("Location", "/accounts/" + body.get("accountId").asText());
    }

    @Test
    void the_aws_shaped_withdraw_event_moves_money_and_balances_are_decimal_strings() throws Exception {
        var event = EventLoader.loadApiGatewayHttpEvent("events/withdraw.json");
        var id = AccountId.parse(event.getPathParameters().get("id"));
        events.append(dev.tally.domain.AccountDecider.initialState(id), java.util.List.of(
                new dev.tally.domain.AccountEvent.AccountCreated(id, ALICE, null, Instant.EPOCH),
                new dev.tally.domain.AccountEvent.BalanceCredited(id, dev.tally.domain.Money.parseAmount("100"), Instant.EPOCH)),
                EventMetadata.of(ALICE, "req-0", java.util.Optional.empty()));

        var response = new WithdrawHandler(service).handleRequest(event, context);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isEqualTo("{\"accountId\":\"" + id + "\",\"balance\":\"69.50\",\"version\":3}");
        assertThat(events.readEvents(id, 2, 1).events().getFirst().metadata())
                .isEqualTo(EventMetadata.of(ALICE, "JKJaXmPLvHcESHA=", java.util.Optional.empty()));
    }

    @ParameterizedTest(name = "body {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
            "{\"amount\": -5}|-5|amount must be positive, was -5",
            "{\"amount\": \"1.001\"}|1.001|amount must have at most 2 decimal places, was 1.001",
            "{\"amount\": \"abc\"}|abc|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was abc",
            "{\"amount\": 0}|0|amount must be greater than zero, was 0",
            "{\"amount\": null}|null|amount must be a decimal number or a string, was null",
            "{\"amount\": true}|true|amount must be a decimal number or a string, was true",
            "{\"amount\": \"NaN\"}|NaN|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was NaN",
            "{\"amount\": \"+5\"}|+5|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was +5",
            "{\"amount\": \" 5\"}| 5|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was  5",
            "{\"amount\": \"05\"}|05|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 05",
            "{\"amount\": \"5.\"}|5.|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 5.",
            "{\"amount\": \".5\"}|.5|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was .5",
            "{\"amount\": \"1E2\"}|1E2|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 1E2",
            "{\"amount\": \"0.1e1\"}|0.1e1|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 0.1e1",
            "{\"amount\": 1e2}|1e2|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 1e2",
            "{\"amount\": 1.5E0}|1.5E0|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 1.5E0",
            "{\"amount\": \"١٠٠\"}|١٠٠|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was ١٠٠",
            "{\"amount\": \"１０\"}|１０|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was １０",
            "{\"amount\": 1000000000.01}|1000000000.01|amount must not exceed 1000000000.00, was 1000000000.01",
            "{}|`!missing`|amount is required"})
    void a_bad_amount_is_a_400_problem_naming_the_field_and_the_value(String body, String value, String detail) throws Exception {
        var id = newAccount();

        var response = credit(id, body, Map.of());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        var problem = json(response);
        assertThat(problem.get("type").asText()).isEqualTo(ApiResponses.PROBLEM_TYPE_BASE + "invalid-amount");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("field").asText()).isEqualTo("amount");
        assertThat(problem.get("detail").asText()).isEqualTo(detail);
        if (!value.equals("!missing")) {
            assertThat(problem.get("value").asText()).isEqualTo(value);
        }
        assertThat(problem.get("instance").asText()).isEqualTo("/accounts/" + id + "/credit");
    }

    @Test
    void a_request_without_a_verified_token_is_a_401_the_api_fails_closed() throws Exception {
        var id = newAccount();
        var unverified = request("POST", "/accounts/" + id + "/credit", "{\"amount\":5}", Map.of());
        unverified.getRequestContext().setAuthorizer(null);

        var response = new CreditHandler(service).handleRequest(unverified, context);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(json(response).get("field").asText()).isEqualTo("Authorization");
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(1);
    }

    @Test
    void a_body_that_is_not_utf_8_is_a_400() throws Exception {
        // the gateway passes a body that is not valid UTF-8 base64-encoded, as API Gateway does with binary bodies
        var event = request("POST", "/accounts", java.util.Base64.getEncoder().encodeToString(
                new byte[]{'{', '"', 'o', 'w', 'n', 'e', 'r', '"', ':', '"', (byte) 0xff, '"', '}'}), Map.of());
        event.setIsBase64Encoded(true);

        var response = new CreateAccountHandler(service).handleRequest(event, context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("detail").asText()).isEqualTo("the body is not UTF-8");
    }

    @Test
    void a_body_of_only_whitespace_is_not_an_absent_body() throws Exception {
        var response = new CreateAccountHandler(service).handleRequest(
                request("POST", "/accounts", "\u2003", Map.of("content-type", "text/plain")), context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("Content-Type");
    }

    @Test
    void a_token_without_sub_is_a_401_on_every_route_and_nothing_is_written() throws Exception {
        var id = newAccount();
        var noSub = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        var jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("iss", "https://issuer.example.com/", "aud", "tally"));
        noSub.setJwt(jwt);
        var credit = request("POST", "/accounts/" + id + "/credit", "{\"amount\":5}", Map.of());
        credit.getRequestContext().setAuthorizer(noSub);
        var read = request("GET", "/accounts/" + id, null, Map.of());
        read.getRequestContext().setAuthorizer(noSub);

        var refused = new CreditHandler(service).handleRequest(credit, context);
        var unread = new GetAccountHandler(service).handleRequest(read, context);

        assertThat(refused.getStatusCode()).isEqualTo(401);
        assertThat(json(refused).get("field").asText()).isEqualTo("sub");
        assertThat(unread.getStatusCode()).isEqualTo(401);
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(1);
    }

    @Test
    void a_duplicate_key_is_a_400_naming_the_field_and_nothing_is_written() throws Exception {
        var id = newAccount();

        var response = credit(id, "{\"amount\":1,\"amount\":1000}", Map.of());

        assertThat(response.getStatusCode()).isEqualTo(400);
        var problem = json(response);
        assertThat(problem.get("type").asText()).endsWith("duplicate-field");
        assertThat(problem.get("field").asText()).isEqualTo("amount");
        assertThat(problem.get("value").asText()).isEqualTo("1000");
        assertThat(events.load(AccountId.parse(id)).version()).as("only the opening").isEqualTo(1);
    }

    @Test
    void a_duplicate_key_in_a_nested_object_is_refused_too() throws Exception {
        var response = credit(newAccount(), "{\"amount\":1,\"note\":{\"a\":1,\"a\":2}}", Map.of());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asText()).endsWith("duplicate-field");
        assertThat(json(response).get("field").asText()).isEqualTo("note.a");
        assertThat(json(response).get("value").asText()).isEqualTo("2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"amount\":5,\"currency\":\"EUR\"}|currency|\"EUR\"",
            "{\"Amount\":5}|Amount|5"})
    void an_unknown_field_is_a_400_naming_it_and_nothing_is_written(String body, String field, String value) throws Exception {
        var id = newAccount();

        var response = credit(id, body, Map.of());

        assertThat(response.getStatusCode()).isEqualTo(400);
        var problem = json(response);
        assertThat(problem.get("type").asText()).endsWith("unknown-field");
        assertThat(problem.get("field").asText()).isEqualTo(field);
        assertThat(problem.get("value").asText()).isEqualTo(value);
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(1);
    }

    @Test
    void opening_an_account_refuses_unknown_fields_too() throws Exception {
        var response = new CreateAccountHandler(service).handleRequest(
                request("POST", "/accounts", "{\"displayName\":\"Ada\",\"balance\":1000000}", Map.of()), context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("balance");
    }

    @Test
    void the_owner_is_the_caller_never_a_field_of_the_body() throws Exception {
        var response = new CreateAccountHandler(service).handleRequest(
                request("POST", "/accounts", "{\"owner\":\"mallory\"}", Map.of()), context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("owner");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
            "{\"displayName\":\"\"}||displayName must be 1 to 100 characters, was 0",
            "{\"displayName\":\"Ada\\u0007\"}|`Ada\u0007`|displayName must not contain control, format, surrogate or separator characters, found U+0007",
            "{\"displayName\":\"Ada\\ud800\"}|`Ada\uFFFD`|displayName must not contain control, format, surrogate or separator characters, found U+D800",
            "{\"displayName\":\" Ada\"}| Ada|displayName must not start or end with whitespace",
            "{\"displayName\":42}|42|displayName must be a string, was 42"})
    void a_display_name_outside_the_rule_is_a_400_naming_the_value(String body, String value, String detail) throws Exception {
        var response = new CreateAccountHandler(service).handleRequest(request("POST", "/accounts", body, Map.of()), context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        var problem = json(response);
        assertThat(problem.get("field").asText()).isEqualTo("displayName");
        assertThat(problem.get("value").asText()).isEqualTo(value == null ? ""
                : value.replace("\\u0007", "\u0007"));
        assertThat(problem.get("detail").asText()).startsWith(detail);
    }

    @Test
    void bobs_token_on_alices_account_is_a_404_on_every_route_with_the_body_of_an_unknown_account() throws Exception {
        var id = newAccount();
        credit(id, "{\"amount\":\"10.00\"}", Map.of());
        var unknown = UUID.randomUUID().toString();

        for (var path : List.of("/accounts/%s", "/accounts/%s/events")) {
            var handler = path.endsWith("events") ? new ListEventsHandler(service) : new GetAccountHandler(service);
            var bobs = handler.handleRequest(as(get(path.formatted(id)), ISSUER, "bob", "ledger:read"), context);
            var missing = handler.handleRequest(as(get(path.formatted(unknown)), ISSUER, "bob", "ledger:read"), context);
            assertThat(bobs.getStatusCode()).as(path).isEqualTo(404);
            assertThat(json(bobs).toString().replace(id, "ID")).isEqualTo(json(missing).toString().replace(unknown, "ID"));
        }
        for (var route : List.of("credit", "withdraw")) {
            var handler = route.equals("credit") ? new CreditHandler(service) : new WithdrawHandler(service);
            var refused = handler.handleRequest(as(request("POST", "/accounts/" + id + "/" + route, "{\"amount\":1}",
                    Map.of("Idempotency-Key", "b1")), ISSUER, "bob", "ledger:read", "ledger:write"), context);
            var missing = handler.handleRequest(as(request("POST", "/accounts/" + unknown + "/" + route, "{\"amount\":1}",
                    Map.of("Idempotency-Key", "b2")), ISSUER, "bob", "ledger:read", "ledger:write"), context);
            assertThat(refused.getStatusCode()).as(route).isEqualTo(404);
            assertThat(json(refused).toString().replace(id, "ID")).as(route)
                    .isEqualTo(json(missing).toString().replace(unknown, "ID"));
        }
        // the same subject at another issuer is someone else
        var elsewhere = new GetAccountHandler(service).handleRequest(
                as(get("/accounts/" + id), "https://other.example.com/", "alice", "ledger:read"), context);
        assertThat(elsewhere.getStatusCode()).isEqualTo(404);
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(2);
    }

    @Test
    void a_subject_longer_than_openid_connect_allows_is_a_401() throws Exception {
        var response = new CreateAccountHandler(service).handleRequest(
                as(request("POST", "/accounts", null, Map.of()), ISSUER, "s".repeat(256), "ledger:write"), context);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(json(response).get("field").asText()).isEqualTo("sub");
        assertThat(new CreateAccountHandler(service).handleRequest(
                as(request("POST", "/accounts", null, Map.of()), ISSUER, "s".repeat(255), "ledger:write"), context)
                .getStatusCode()).isEqualTo(201);
    }

    @Test
    void a_read_only_token_is_a_403_problem_on_credit_and_withdraw_and_nothing_is_written() throws Exception {
        var id = newAccount();

        for (var handler : List.of(new CreditHandler(service), new WithdrawHandler(service))) {
            var response = handler.handleRequest(as(request("POST", "/accounts/" + id + "/credit", "{\"amount\":1}", Map.of()),
                    ISSUER, "alice", "ledger:read"), context);
            assertThat(response.getStatusCode()).isEqualTo(403);
            assertThat(json(response).get("detail").asText())
                    .isEqualTo("this route needs one of the scopes ledger:write; the token has ledger:read");
        }
        var noRead = new GetAccountHandler(service).handleRequest(as(get("/accounts/" + id), ISSUER, "alice", "ledger:write"), context);
        assertThat(noRead.getStatusCode()).isEqualTo(403);
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(1);
    }

    @Test
    void an_admin_reads_any_account_and_statement_but_never_moves_its_money() throws Exception {
        var id = newAccount();
        credit(id, "{\"amount\":\"10.00\"}", Map.of());

        var account = new GetAccountHandler(service).handleRequest(as(get("/accounts/" + id), ISSUER, "auditor", "ledger:admin"), context);
        var statement = new ListEventsHandler(service).handleRequest(
                as(get("/accounts/" + id + "/events"), ISSUER, "auditor", "ledger:admin"), context);
        var withdrawal = new WithdrawHandler(service).handleRequest(as(request("POST", "/accounts/" + id + "/withdraw",
                "{\"amount\":1}", Map.of()), ISSUER, "auditor", "ledger:admin", "ledger:write"), context);
        var adminOnly = new WithdrawHandler(service).handleRequest(as(request("POST", "/accounts/" + id + "/withdraw",
                "{\"amount\":1}", Map.of()), ISSUER, "auditor", "ledger:admin"), context);

        assertThat(account.getStatusCode()).isEqualTo(200);
        assertThat(json(account).get("balance").asText()).isEqualTo("10.00");
        assertThat(json(statement).get("events")).hasSize(2);
        assertThat(withdrawal.getStatusCode()).isEqualTo(404);
        assertThat(adminOnly.getStatusCode()).isEqualTo(403);
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(2);
    }

    @Test
    void an_account_opened_before_owners_were_recorded_is_readable_only_with_the_admin_scope() throws Exception {
        var id = new AccountId(UUID.randomUUID());
        events.append(dev.tally.domain.AccountDecider.initialState(id),
                List.of(new dev.tally.domain.AccountEvent.AccountCreated(id, null, "Ada", Instant.EPOCH)),
                EventMetadata.none());

        var asAlice = new GetAccountHandler(service).handleRequest(get("/accounts/" + id), context);
        var asAdmin = new GetAccountHandler(service).handleRequest(as(get("/accounts/" + id), ISSUER, "auditor", "ledger:admin"), context);
        var statement = json(new ListEventsHandler(service).handleRequest(
                as(get("/accounts/" + id + "/events"), ISSUER, "auditor", "ledger:admin"), context));
        var credit = credit(id.toString(), "{\"amount\":1}", Map.of());

        assertThat(asAlice.getStatusCode()).isEqualTo(404);
        assertThat(asAdmin.getStatusCode()).isEqualTo(200);
        assertThat(statement.get("events").get(0).get("actor").isNull()).isTrue();
        assertThat(credit.getStatusCode()).isEqualTo(404);
    }

    @Test
    void the_statement_shows_who_did_what_and_in_which_request() throws Exception {
        var id = newAccount();
        credit(id, "{\"amount\":1}", Map.of());

        var statement = json(new ListEventsHandler(service).handleRequest(get("/accounts/" + id + "/events"), context));

        assertThat(statement.get("events")).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.get("actor").toString()).isEqualTo("{\"issuer\":\"" + ISSUER + "\",\"subject\":\"alice\"}");
            assertThat(entry.get("requestId").asText()).isEqualTo("JKJaXmPLvHcESHA=");
        });
    }

    @Test
    void listing_accounts_shows_exactly_the_callers_own_page_by_page() throws Exception {
        var mine = new java.util.TreeSet<String>();
        for (int i = 0; i < 3; i++) {
            mine.add(json(new CreateAccountHandler(service).handleRequest(
                    request("POST", "/accounts", "{\"displayName\":\"Pot " + i + "\"}", Map.of()), context)).get("accountId").asText());
        }
        new CreateAccountHandler(service).handleRequest(as(request("POST", "/accounts", null, Map.of()), ISSUER, "bob",
                "ledger:write"), context);
        var handler = new ListAccountsHandler(service);

        var first = get("/accounts");
        first.setQueryStringParameters(Map.of("limit", "2"));
        var page1 = json(handler.handleRequest(first, context));
        var second = get("/accounts");
        second.setQueryStringParameters(Map.of("limit", "2", "after", page1.get("nextAfter").asText()));
        var page2 = json(handler.handleRequest(second, context));
        var badCursor = get("/accounts");
        badCursor.setQueryStringParameters(Map.of("after", "x"));

        var listed = new java.util.ArrayList<String>();
        page1.get("accounts").forEach(a -> listed.add(a.get("accountId").asText()));
        page2.get("accounts").forEach(a -> listed.add(a.get("accountId").asText()));
        assertThat(listed).containsExactlyElementsOf(mine);
        assertThat(page1.get("accounts").get(0).get("displayName").asText()).startsWith("Pot ");
        assertThat(page1.get("next").asText()).isEqualTo("/accounts?after=" + page1.get("nextAfter").asText() + "&limit=2");
        assertThat(page2.get("next").isNull()).isTrue();
        assertThat(handler.handleRequest(badCursor, context).getStatusCode()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/evil+json", "application/problem+json", "text/json", "application/json; charset=latin1",
            "application/jsonx", "application/json;;"})
    void a_content_type_other_than_application_json_is_a_400(String contentType) throws Exception {
        var response = credit(newAccount(), "{\"amount\":5}", Map.of("content-type", contentType));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("Content-Type");
        assertThat(json(response).get("value").asText()).isEqualTo(contentType);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
            "application/json; charset=\"utf-8\""})
    void application_json_with_or_without_charset_utf_8_is_read(String contentType) throws Exception {
        var response = credit(newAccount(), "{\"amount\":5}", Map.of("content-type", contentType));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    }

    @Test
    void the_body_limit_counts_bytes_not_characters() throws Exception {
        // 40,000 two-byte characters: 80,000 bytes, over the 64 KiB limit, though under it in characters
        var body = "{\"amount\":5,\"pad\":\"" + "é".repeat(40_000) + "\"}";

        var response = credit(newAccount(), body, Map.of());

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(json(response).get("detail").asText()).contains("at most 65536 bytes, was 80");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {"limit|+5", "limit|٥", "limit| 5", "after|-1", "after|１", "after|1e2"})
    void paging_parameters_are_ascii_digits_only(String name, String raw) throws Exception {
        var id = newAccount();
        var event = request("GET", "/accounts/" + id + "/events", null, Map.of());
        event.setQueryStringParameters(Map.of(name, raw));

        var response = new ListEventsHandler(service).handleRequest(event, context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(name);
        assertThat(json(response).get("value").asText()).isEqualTo(raw);
    }

    @ParameterizedTest(name = "body {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not json|invalid-json",
            "{\"amount\": 1|invalid-json",
            "[1, 2]|invalid-json",
            "{\"amount\": 1} trailing|invalid-json",
            "``|invalid-body"})
    void a_body_that_is_not_a_json_object_is_a_400(String body, String slug) throws Exception {
        var response = credit(newAccount(), body, Map.of());

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asText()).endsWith(slug);
    }

    @Test
    void a_body_that_is_not_json_by_content_type_is_a_400() throws Exception {
        var response = credit(newAccount(), "amount=5", Map.of("content-type", "application/x-www-form-urlencoded"));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("Content-Type");
        assertThat(json(response).get("value").asText()).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void a_base64_encoded_json_body_is_read() throws Exception {
        var id = newAccount();
        var event = request("POST", "/accounts/" + id + "/credit",
                java.util.Base64.getEncoder().encodeToString("{\"amount\":\"2.50\"}".getBytes()), Map.of());
        event.setIsBase64Encoded(true);

        var response = new CreditHandler(service).handleRequest(event, context);

        assertThat(json(response).get("balance").asText()).isEqualTo("2.50");
    }

    @Test
    void an_id_that_is_not_a_uuid_is_a_400_and_an_unknown_one_a_404() throws Exception {
        var malformed = credit("12345", "{\"amount\": 1}", Map.of());
        var unknown = credit(UUID.randomUUID().toString(), "{\"amount\": 1}", Map.of());
        var unknownGet = new GetAccountHandler(service).handleRequest(
                request("GET", "/accounts/" + UUID.randomUUID(), null, Map.of()), context);

        assertThat(malformed.getStatusCode()).isEqualTo(400);
        assertThat(json(malformed).get("field").asText()).isEqualTo("id");
        assertThat(json(malformed).get("value").asText()).isEqualTo("12345");
        assertThat(unknown.getStatusCode()).isEqualTo(404);
        assertThat(json(unknown).get("field").asText()).isEqualTo("id");
        assertThat(json(unknown).get("value").asText()).isEqualTo(unknown.getBody().split("account ")[1].split(" ")[0]);
        assertThat(unknownGet.getStatusCode()).isEqualTo(404);
        assertThat(json(unknownGet).get("detail").asText()).endsWith("does not exist");
    }

    @Test
    void withdrawing_more_than_the_balance_is_a_422_naming_both_values() throws Exception {
        var id = newAccount();
        credit(id, "{\"amount\": \"12\"}", Map.of());

        var response = withdraw(id, "{\"amount\": 50}", Map.of());

        assertThat(response.getStatusCode()).isEqualTo(422);
        assertThat(json(response).get("detail").asText()).isEqualTo("balance 12.00 is less than withdrawal 50.00");
        assertThat(json(response).get("field").asText()).isEqualTo("amount");
        assertThat(json(response).get("value").asText()).isEqualTo("50.00");
        var get = new GetAccountHandler(service).handleRequest(request("GET", "/accounts/" + id, null, Map.of()), context);
        assertThat(get.getBody()).isEqualTo("{\"accountId\":\"" + id + "\",\"balance\":\"12.00\",\"version\":2}");
    }

    @Test
    void a_request_repeated_with_the_same_idempotency_key_returns_the_same_response_and_appends_once() throws Exception {
        var id = newAccount();
        var key = Map.of("idempotency-key", "pay-42");

        var first = credit(id, "{\"amount\": 10}", key);
        var again = credit(id, "{\"amount\": \"10.00\"}", key);

        assertThat(again.getStatusCode()).isEqualTo(first.getStatusCode()).isEqualTo(200);
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(again.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        assertThat(events.load(AccountId.parse(id)).version()).isEqualTo(2);
    }

    @Test
    void a_refusal_repeated_with_the_same_idempotency_key_is_answered_again_as_a_replay_and_counted_as_one()
            throws Exception {
        var id = newAccount();
        var key = Map.of("idempotency-key", "too-much");

        List<String> lines;
        APIGatewayV2HTTPResponse first;
        APIGatewayV2HTTPResponse again;
        try (var logs = CapturedLogs.start()) {
            first = withdraw(id, "{\"amount\": \"5.00\"}", key);
            again = withdraw(id, "{\"amount\": \"5.00\"}", key);
            lines = logs.lines();
        }

        assertThat(again.getStatusCode()).isEqualTo(first.getStatusCode()).isEqualTo(422);
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(first.getHeaders()).doesNotContainKey("Idempotent-Replayed");
        assertThat(again.getHeaders()).containsEntry("Idempotent-Replayed", "true");
        var emf = lines.stream().filter(line -> line.contains("\"_aws\"")).toList();
        assertThat(emf).hasSize(2);
        assertThat(emf.get(0)).contains("\"CommandsRefused\":1").doesNotContain("IdempotentReplays\":");
        assertThat(emf.get(1)).contains("\"IdempotentReplays\":1").doesNotContain("CommandsRefused\":");
    }

    @Test
    void the_same_idempotency_key_for_a_different_request_is_a_422() throws Exception {
        var id = newAccount();
        credit(id, "{\"amount\": 10}", Map.of("idempotency-key", "pay-43"));

        var response = credit(id, "{\"amount\": 11}", Map.of("idempotency-key", "pay-43"));

        assertThat(response.getStatusCode()).isEqualTo(422);
        assertThat(json(response).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(json(response).get("value").asText()).isEqualTo("pay-43");
    }

    @Test
    void a_malformed_idempotency_key_is_a_400() throws Exception {
        var response = credit(newAccount(), "{\"amount\": 10}", Map.of("idempotency-key", "has space"));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("value").asText()).isEqualTo("has space");
    }

    @Test
    void the_statement_pages_through_the_history_with_a_cursor() throws Exception {
        var id = newAccount();
        for (int i = 1; i <= 4; i++) {
            credit(id, "{\"amount\": " + i + "}", Map.of());
        }
        var handler = new ListEventsHandler(service);
        var first = request("GET", "/accounts/" + id + "/events", null, Map.of());
        first.setQueryStringParameters(Map.of("limit", "3"));

        var page1 = json(handler.handleRequest(first, context));
        var second = request("GET", "/accounts/" + id + "/events", null, Map.of());
        second.setQueryStringParameters(Map.of("limit", "3", "after", page1.get("nextAfter").asText()));
        var page2 = json(handler.handleRequest(second, context));

        assertThat(page1.get("events")).hasSize(3);
        assertThat(page1.get("events").get(0).get("type").asText()).isEqualTo("AccountCreated");
        assertThat(page1.get("events").get(1).get("amount").asText()).isEqualTo("1.00");
        assertThat(page1.get("events").get(2).get("balanceAfter").asText()).isEqualTo("3.00");
        assertThat(page1.get("next").asText()).isEqualTo("/accounts/" + id + "/events?after=3&limit=3");
        assertThat(page2.get("events")).extracting(e -> e.get("version").asLong()).containsExactly(4L, 5L);
        assertThat(page2.get("next").isNull()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"limit,0", "limit,101", "limit,ten", "after,-1"})
    void statement_paging_parameters_out_of_range_are_a_400(String name, String value) throws Exception {
        var event = request("GET", "/accounts/" + newAccount() + "/events", null, Map.of());
        event.setQueryStringParameters(Map.of(name, value));

        var response = new ListEventsHandler(service).handleRequest(event, context);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(name);
        assertThat(json(response).get("value").asText()).isEqualTo(value);
    }

    @Test
    void a_server_fault_is_a_500_problem_that_hides_the_internals_and_is_logged() throws Exception {
        EventStore broken = new InMemoryEventStore();
        var failing = new AccountService(new ForwardingEventStore(broken) {
            @Override
            public AccountState load(AccountId accountId) {
                throw new IllegalStateException("disk on fire");
            }
        }, new InMemoryIdempotencyStore(), Clock.systemUTC(), UUID::randomUUID, AccountService.CONFLICT_RETRIES);

        APIGatewayV2HTTPResponse response;
        List<String> lines;
        try (var logs = CapturedLogs.start()) {
            response = new GetAccountHandler(failing).handleRequest(
                    request("GET", "/accounts/" + UUID.randomUUID(), null, Map.of()), context);
            lines = logs.lines();
        }

        assertThat(response.getStatusCode()).isEqualTo(500);
        var correlationId = response.getHeaders().get(Correlation.RESPONSE_HEADER);
        assertThat(correlationId).isNotBlank();
        assertThat(response.getBody()).contains(correlationId)
                .doesNotContain("disk on fire").doesNotContain("IllegalStateException").doesNotContain("at dev.tally");
        assertThat(json(response).get("type").asText()).endsWith("internal-error");
        // one JSON line with the stack trace, the service and the correlation id
        var error = lines.stream().map(line -> {
            try {
                return ApiResponses.JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }).filter(line -> line.path("level").asText().equals("ERROR")).toList();
        assertThat(error).singleElement().satisfies(line -> {
            assertThat(line.path("service").asText()).isEqualTo(AccountsApiRoute.SERVICE);
            assertThat(line.path("correlation_id").asText()).isEqualTo(correlationId);
            assertThat(line.path("function_request_id").asText()).isEqualTo("test-request");
            assertThat(line.path("error").path("type").asText()).isEqualTo(IllegalStateException.class.getName());
            assertThat(line.path("error").path("stack_trace").asText())
                    .contains("java.lang.IllegalStateException: disk on fire")
                    .contains("at dev.tally.accountsapi.AccountService.");
        });
    }

    @Test
    void every_answer_carries_its_correlation_id_from_a_valid_traceparent_or_the_request_id() throws Exception {
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var traced = new CreateAccountHandler(service).handleRequest(request("POST", "/accounts", null,
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")), context);
        var untraced = create();

        assertThat(traced.getHeaders().get(Correlation.RESPONSE_HEADER)).isEqualTo(traceId);
        var id = json(traced).get("accountId").asText();
        assertThat(events.readEvents(AccountId.parse(id), 0, 10).events().getFirst().metadata().correlationId())
                .contains(traceId);
        var event = request("POST", "/accounts", null, Map.of());
        assertThat(untraced.getHeaders().get(Correlation.RESPONSE_HEADER))
                .isEqualTo(event.getRequestContext().getRequestId());
    }
}
