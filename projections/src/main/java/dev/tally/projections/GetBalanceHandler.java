package dev.tally.projections;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.domain.Money;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.EventTable;
import dev.tally.http.ApiHandler;
import dev.tally.http.HttpApi;
import dev.tally.http.Problem;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /balances/{id}}: the balance from the projection, in the same format as {@code GET /accounts/{id}},
 * plus how far behind the write side it is ({@code writeVersion}, {@code versionsBehind}). The write side's version
 * costs one extra read of one item; the balance itself is eventually consistent.
 */
public final class GetBalanceHandler extends ApiHandler {

    public static final String ROUTE_METHOD = "GET";
    public static final String ROUTE_PATH = "/balances/{id}";

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
        this.dynamo = dynamo;
        this.catalog = new ProjectionCatalog(dynamo, env.getOrDefault(ProjectionEnvironment.CATALOG_TABLE,
                ProjectionCatalog.DEFAULT_NAME), Clock.systemUTC());
        this.events = new DynamoEventStore(dynamo, env.getOrDefault(ProjectionEnvironment.EVENTS_TABLE,
                EventTable.DEFAULT_NAME), SnapshotPolicy.defaults());
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent request) {
        var id = HttpApi.accountId(request);
        var table = catalog.targets(BalanceRecordProcessor.PROJECTION).active();
        var item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(BalancesTable.ACCOUNT_ID, AttributeValue.fromS(id.toString())))).item();
        long writeVersion = events.load(id).version();
        if (item == null || item.isEmpty()) {
            var detail = writeVersion == 0 ? "account " + id + " does not exist"
                    : "account " + id + " is not projected yet (the write side is at version " + writeVersion + ")";
            return HttpApi.problem(new Problem(404, "account-not-found", "Account not found", detail, "id",
                    id.toString()), request.getRawPath(), Map.of());
        }
        long version = Long.parseLong(item.get(BalancesTable.VERSION).n());
        var body = new LinkedHashMap<String, Object>();
        body.put("accountId", id.toString());
        body.put("balance", Money.ofMinor(Long.parseLong(item.get(BalancesTable.BALANCE_MINOR).n())).toString());
        body.put("version", version);
        body.put("lastEventId", item.get(BalancesTable.LAST_EVENT_ID).s());
        body.put("updatedAt", item.get(BalancesTable.UPDATED_AT).s());
        body.put("projectedAt", item.get(BalancesTable.PROJECTED_AT).s());
        body.put("writeVersion", writeVersion);
        body.put("versionsBehind", Math.max(0, writeVersion - version));
        return HttpApi.json(200, body, Map.of());
    }
}
