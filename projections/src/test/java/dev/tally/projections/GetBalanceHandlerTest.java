package dev.tally.projections;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.LocalDynamo;
import dev.tally.http.ApiResponses;
import dev.tally.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /balances/{id}} on a real dynalite: the owner stored on the row decides who may read it. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class GetBalanceHandlerTest {

    private static final String ISSUER = "https://id.example.com/";
    private static final Principal ALICE = new Principal(ISSUER, "alice");

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private static DynamoEventStore events;
    private static BalanceProjector projector;
    private static GetBalanceHandler handler;
    private final LocalLambdaContext context = LocalLambdaContext.of("test", "test-request", Duration.ofSeconds(30), line -> { });

    @BeforeAll
    static void start() {
        dynalite = Dynalite.inMemory();
        dynamo = LocalDynamo.clientFor(dynalite);
        EventTable.create(dynamo, EventTable.DEFAULT_NAME);
        BalanceProjectionApp.prepare(dynamo, ProjectionCatalog.DEFAULT_NAME, "tally-balances");
        events = new DynamoEventStore(dynamo, EventTable.DEFAULT_NAME, SnapshotPolicy.defaults());
        projector = new BalanceProjector(dynamo, events, Clock.systemUTC());
        handler = new GetBalanceHandler(dynamo, Map.of());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        dynalite.close();
    }

    /** An account of Alice's with a credit, in the events table and, if {@code projected}, in the read model. */
    private static AccountId alicesAccount(boolean projected) {
        var id = new AccountId(UUID.randomUUID());
        var state = AccountDecider.initialState(id);
        var metadata = EventMetadata.of(ALICE, "req", Optional.empty());
        for (var event : List.<AccountEvent>of(new AccountEvent.AccountCreated(id, ALICE, null, Instant.EPOCH),
                new AccountEvent.BalanceCredited(id, dev.tally.domain.Money.ofMinor(1234), Instant.EPOCH))) {
            state = ((AppendResult.Appended) events.append(state, List.of(event), metadata)).state();
        }
        if (projected) {
            var table = new ProjectionCatalog(dynamo, ProjectionCatalog.DEFAULT_NAME, Clock.systemUTC())
                    .targets(ProjectionEnvironment.BALANCES).active();
            events.readEvents(id, 0, 10).events().forEach(recorded -> projector.apply(table, BalanceChange.of(recorded)));
        }
        return id;
    }

    private APIGatewayV2HTTPResponse get(AccountId id, String subject, String... scopes) {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath("/balances/" + id);
        event.setRouteKey("GET /balances/{id}");
        event.setPathParameters(Map.of("id", id.toString()));
        var jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("iss", ISSUER, "sub", subject, "aud", "tally"));
        jwt.setScopes(List.of(scopes));
        var authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        var requestContext = new APIGatewayV2HTTPEvent.RequestContext();
        requestContext.setAuthorizer(authorizer);
        requestContext.setRequestId("req-get");
        event.setRequestContext(requestContext);
        return handler.handleRequest(event, context);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return ApiResponses.JSON.readTree(response.getBody());
    }

    @Test
    void the_owner_reads_the_projected_balance() throws Exception {
        var id = alicesAccount(true);

        var response = get(id, "alice", "ledger:read");

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(json(response).get("balance").asText()).isEqualTo("12.34");
        assertThat(json(response).get("versionsBehind").asLong()).isZero();
    }

    @Test
    void anyone_else_gets_the_404_of_an_unknown_account_projected_or_not() throws Exception {
        var projected = alicesAccount(true);
        var pending = alicesAccount(false);
        var unknown = new AccountId(UUID.randomUUID());

        var expected = json(get(unknown, "bob", "ledger:read")).toString().replace(unknown.toString(), "ID");
        for (var id : List.of(projected, pending)) {
            var response = get(id, "bob", "ledger:read");
            assertThat(response.getStatusCode()).isEqualTo(404);
            assertThat(json(response).toString().replace(id.toString(), "ID")).isEqualTo(expected);
        }
        // until it is projected, the owner too gets the 404 of an unknown account: the read model alone decides
        assertThat(json(get(pending, "alice", "ledger:read")).toString().replace(pending.toString(), "ID")).isEqualTo(expected);
    }

    @Test
    void an_account_projected_from_version_1_events_has_no_owner_and_answers_only_an_admin() throws Exception {
        // As the translator published them before owners were recorded: "owner" was the display name.
        var id = new AccountId(UUID.randomUUID());
        var table = new ProjectionCatalog(dynamo, ProjectionCatalog.DEFAULT_NAME, Clock.systemUTC())
                .targets(ProjectionEnvironment.BALANCES).active();
        for (var json : List.of(
                "{\"eventId\":\"e1\",\"type\":\"AccountCreated\",\"schemaVersion\":1,\"accountId\":\"" + id + "\","
                        + "\"version\":1,\"occurredAt\":\"2026-11-26T10:00:00Z\",\"owner\":\"Ada\",\"balanceAfter\":\"0.00\","
                        + "\"balanceAfterMinor\":0,\"idempotencyKey\":null}",
                "{\"eventId\":\"e2\",\"type\":\"BalanceCredited\",\"schemaVersion\":1,\"accountId\":\"" + id + "\","
                        + "\"version\":2,\"occurredAt\":\"2026-11-26T10:00:01Z\",\"amount\":\"5.00\",\"amountMinor\":500,"
                        + "\"balanceAfter\":\"5.00\",\"balanceAfterMinor\":500,\"idempotencyKey\":null}")) {
            projector.apply(table, BalanceChange.of(dev.tally.contracts.DomainEventCodec.fromJson(
                    json.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }

        assertThat(get(id, "alice", "ledger:read").getStatusCode()).isEqualTo(404);
        var admin = get(id, "auditor", "ledger:admin");
        assertThat(admin.getStatusCode()).isEqualTo(200);
        assertThat(json(admin).get("balance").asText()).isEqualTo("5.00");
    }

    @Test
    void an_admin_reads_any_balance_and_a_token_without_a_read_scope_is_a_403() throws Exception {
        var id = alicesAccount(true);

        assertThat(get(id, "auditor", "ledger:admin").getStatusCode()).isEqualTo(200);
        assertThat(get(id, "alice", "ledger:write").getStatusCode()).isEqualTo(403);
    }
}
