package dev.tally.projections;

import dev.tally.eventstore.DynamoTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The projections control table: for each read model, which physical table readers use ({@code ActiveTable}),
 * which one a rebuild is filling ({@code BuildingTable}, written by the live projection too), the rebuild's
 * finished scan segments, and each worker's lag and counters.
 */
public final class ProjectionCatalog {

    public static final String DEFAULT_NAME = "projections";
    public static final String NAME = "Name";
    static final String ACTIVE_TABLE = "ActiveTable";
    static final String BUILDING_TABLE = "BuildingTable";
    static final String SEGMENTS = "Segments";
    static final String DONE_SEGMENTS = "DoneSegments";
    /** Readers and the projection re-read the catalog this often; a rebuild waits twice this before scanning. */
    public static final Duration REFRESH = Duration.ofSeconds(1);

    /** Where a projection's events go: the active table, and the one a rebuild is filling, if any. */
    public record Targets(String active, Optional<String> building) {
        List<String> all() {
            var tables = new ArrayList<String>();
            tables.add(active);
            building.ifPresent(tables::add);
            return tables;
        }
    }

    /** A rebuild in progress: the table it fills, its scan segments and those already done. */
    public record Rebuild(String table, int segments, Set<Integer> done) {
    }

    /**
     * One worker's published figures.
     *
     * @param parked records the worker parked in the subscription's dead-letter store since it started
     */
    public record WorkerStatus(String worker, long lagP50Millis, long lagP99Millis, long samples, long applied,
                               long duplicates, long gapEventsRepaired, long parked, Instant updatedAt) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    private final Map<String, Cached> cache = new HashMap<>();

    private record Cached(Targets targets, Instant readAt) {
    }

    public ProjectionCatalog(DynamoDbClient dynamo, String tableName, Clock clock) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.clock = clock;
    }

    public static void create(DynamoDbClient dynamo, String tableName) {
        DynamoTables.createIfMissing(dynamo, CreateTableRequest.builder().tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(NAME).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(NAME).keyType(KeyType.HASH).build())
                .build());
    }

    /** Records {@code initialTable} as the active table of {@code projection}, unless one is recorded already. */
    public void initialize(String projection, String initialTable) {
        try {
            dynamo.putItem(b -> b.tableName(tableName)
                    .item(Map.of(NAME, s(projection), ACTIVE_TABLE, s(initialTable)))
                    .conditionExpression("attribute_not_exists(#name)")
                    .expressionAttributeNames(Map.of("#name", NAME)));
        } catch (ConditionalCheckFailedException exists) {
            // an earlier run (or a rebuild) chose the table already
        }
    }

    /** The projection's targets, re-read at most every {@link #REFRESH}. */
    public synchronized Targets targets(String projection) {
        var cached = cache.get(projection);
        if (cached != null && clock.instant().isBefore(cached.readAt().plus(REFRESH))) {
            return cached.targets();
        }
        var item = item(projection);
        var targets = new Targets(item.get(ACTIVE_TABLE).s(),
                Optional.ofNullable(item.get(BUILDING_TABLE)).map(AttributeValue::s));
        cache.put(projection, new Cached(targets, clock.instant()));
        return targets;
    }

    private Map<String, AttributeValue> item(String key) {
        var item = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true).key(Map.of(NAME, s(key)))).item();
        if (item == null || item.isEmpty()) {
            throw new IllegalStateException("projection " + key + " is not in the catalog " + tableName
                    + "; start the projection once to register it");
        }
        return item;
    }

    /** The rebuild in progress, if any. */
    public Optional<Rebuild> rebuild(String projection) {
        var item = item(projection);
        if (!item.containsKey(BUILDING_TABLE)) {
            return Optional.empty();
        }
        var done = new TreeSet<Integer>();
        if (item.containsKey(DONE_SEGMENTS)) {
            item.get(DONE_SEGMENTS).ns().forEach(n -> done.add(Integer.parseInt(n)));
        }
        return Optional.of(new Rebuild(item.get(BUILDING_TABLE).s(), Integer.parseInt(item.get(SEGMENTS).n()), done));
    }

    /** Registers a rebuild into {@code table}; fails if another one is in progress. */
    public void startRebuild(String projection, String table, int segments) {
        dynamo.updateItem(b -> b.tableName(tableName).key(Map.of(NAME, s(projection)))
                .updateExpression("SET #building = :table, #segments = :segments REMOVE #done")
                .conditionExpression("attribute_exists(#name) AND attribute_not_exists(#building)")
                .expressionAttributeNames(Map.of("#name", NAME, "#building", BUILDING_TABLE, "#segments", SEGMENTS,
                        "#done", DONE_SEGMENTS))
                .expressionAttributeValues(Map.of(":table", s(table), ":segments", AttributeValue.fromN(Integer.toString(segments)))));
    }

    public void segmentDone(String projection, int segment) {
        dynamo.updateItem(b -> b.tableName(tableName).key(Map.of(NAME, s(projection)))
                .updateExpression("ADD #done :segment")
                .expressionAttributeNames(Map.of("#done", DONE_SEGMENTS))
                .expressionAttributeValues(Map.of(":segment", AttributeValue.fromNs(List.of(Integer.toString(segment))))));
    }

    /** Makes the rebuilt table the active one; readers follow within {@link #REFRESH}. */
    public void switchTo(String projection, String table) {
        dynamo.updateItem(b -> b.tableName(tableName).key(Map.of(NAME, s(projection)))
                .updateExpression("SET #active = :table REMOVE #building, #segments, #done")
                .conditionExpression("#building = :table")
                .expressionAttributeNames(Map.of("#active", ACTIVE_TABLE, "#building", BUILDING_TABLE,
                        "#segments", SEGMENTS, "#done", DONE_SEGMENTS))
                .expressionAttributeValues(Map.of(":table", s(table))));
    }

    public void publish(String projection, WorkerStatus status) {
        var item = new HashMap<String, AttributeValue>();
        item.put(NAME, s(projection + "#worker#" + status.worker()));
        item.put("Worker", s(status.worker()));
        item.put("LagP50Millis", n(status.lagP50Millis()));
        item.put("LagP99Millis", n(status.lagP99Millis()));
        item.put("Samples", n(status.samples()));
        item.put("Applied", n(status.applied()));
        item.put("Duplicates", n(status.duplicates()));
        item.put("GapEventsRepaired", n(status.gapEventsRepaired()));
        item.put("Parked", n(status.parked()));
        item.put("UpdatedAt", s(status.updatedAt().toString()));
        dynamo.putItem(b -> b.tableName(tableName).item(item));
    }

    public List<WorkerStatus> workers(String projection) {
        var prefix = projection + "#worker#";
        return dynamo.scan(b -> b.tableName(tableName).consistentRead(true)).items().stream()
                .filter(item -> item.get(NAME).s().startsWith(prefix))
                .map(item -> new WorkerStatus(item.get("Worker").s(), number(item, "LagP50Millis"),
                        number(item, "LagP99Millis"), number(item, "Samples"), number(item, "Applied"),
                        number(item, "Duplicates"), number(item, "GapEventsRepaired"),
                        item.containsKey("Parked") ? number(item, "Parked") : 0,
                        Instant.parse(item.get("UpdatedAt").s())))
                .toList();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
