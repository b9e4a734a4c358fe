package dev.tally.projections;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.Money;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.http.ApiHandler;
import dev.tally.http.ApiRequests;
import dev.tally.http.ApiResponses;
import dev.tally.http.ApiScopes;
import dev.tally.http.Caller;
import dev.tally.http.Problem;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /balances/{id}}: the balance from the projection, in the same format as {@code GET /accounts/{id}},
 * plus how far behind the write side it is ({@code writeVersion}, {@code versionsBehind}). The write side's version
 * costs one Query of at most the snapshot interval's items; the balance itself is eventually consistent.
 *
 * <p>Who may read it is decided from the owner the projection stored on the row alone: every 404 (an unknown
 * account, one not projected yet, someone else's) costs the same single GetItem and has the same body, so neither
 * the body nor the time it takes tells a stranger that an account exists. Only a caller who may read the account
 * gets the write side's version.
 */
public final class GetBalanceHandler extends ApiHandler {

    public static final String ROUTE_METHOD = "GET";
    public static final String ROUTE_PATH = "/balances/{id}";
    public static final List<String> ROUTE_SCOPES = ApiScopes.READ_ROUTES;
    /** The balances API's name in logs and metrics. */
    public static final String SERVICE = "balances-api";

    private final DynamoDbClient dynamo;
    private final ProjectionCatalog catalog;
    private final EventStore events;

    public GetBalanceHandler() {
        this(Holder.DYNAMO, System.getenv());
    }

    private static final class Holder {
        static final DynamoDbClient DYNAMO = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    public GetBalanceHandler(DynamoDbClient dynamo, Map<String, String> env) {
        super(SERVICE, ROUTE_SCOPES);
        this.dynamo = dynamo;
        this.catalog = new ProjectionCatalog(dynamo, env.getOrDefault(ProjectionEnvironment.CATALOG_TABLE,
                ProjectionCatalog.DEFAULT_NAME), Clock.systemUTC());
        var store = EventStoreSettings.fromEnvironment(env);
        this.events = new DynamoEventStore(dynamo, store.eventsTable(), store.snapshots());
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request, Caller caller) {
        var id = ApiRequests.accountId(request);
        var table = catalog.targets(ProjectionEnvironment.BALANCES).active();
        var row = BalancesTable.get(dynamo, table, id);
        if (row.isEmpty() || !caller.mayRead(row.get().owner())) {
            return ApiResponses.problem(new Problem(404, "account-not-found", "Account not found",
                    "account " + id + " does not exist", "id", id.toString()), request.getRawPath(), Map.of());
        }
        long writeVersion = events.load(id).version();
        var balance = row.get();
        var body = new LinkedHashMap<String, Object>();
        body.put("accountId", id.toString());
        body.put("balance", Money.ofMinor(balance.balanceMinor()).toString());
        body.put("version", balance.version());
        body.put("lastEventId", balance.lastEventId());
        body.put("updatedAt", balance.updatedAt());
        body.put("projectedAt", balance.projectedAt());
        body.put("writeVersion", writeVersion);
        body.put("versionsBehind", Math.max(0, writeVersion - balance.version()));
        return ApiResponses.json(200, body, Map.of());
    }
}
