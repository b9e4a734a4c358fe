package dev.tally.eventstore;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountState;
import dev.tally.domain.SnapshotPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The conformance suite against a real dynalite process, plus what only the DynamoDB layout can show. */
class DynamoEventStoreTest extends EventStoreConformance {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    private static String table;

    @BeforeAll
    static void createTable() {
        table = DYNAMO.newEventTable();
    }

    @Override
    protected EventStore newStore(SnapshotPolicy snapshots) {
        return new DynamoEventStore(DYNAMO.shared(), table, snapshots);
    }

    private Map<String, AttributeValue> item(AccountState state) {
        return DYNAMO.shared().getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                EventTable.ID, AttributeValue.fromS(state.accountId().toString()),
                EventTable.VERSION, AttributeValue.fromN(Long.toString(state.version()))))).item();
    }

    @Test
    void every_nth_item_carries_a_snapshot_of_the_state_after_it() {
        var id = newAccount();
        appendOneByOne(id, history(id, 2 * SNAPSHOT_EVERY + 1));

        for (long version = 1; version <= 2 * SNAPSHOT_EVERY + 1; version++) {
            var item = item(new AccountState(id, version, null, null, dev.tally.domain.Money.ZERO, null));
            var expected = AccountDecider.fold(AccountDecider.initialState(id), history(id, (int) version));
            if (version % SNAPSHOT_EVERY == 0) {
                assertThat(EventItemCodec.decodeSnapshot(item)).as("version %d", version).contains(expected);
            } else {
                assertThat(item).as("version %d", version).doesNotContainKey(EventTable.SNAPSHOT);
            }
        }
    }

    @Test
    void a_snapshot_of_an_unknown_schema_version_is_ignored_and_the_state_replayed() {
        var id = newAccount();
        var events = history(id, 2 * SNAPSHOT_EVERY + 2);
        appendOneByOne(id, events);
        // Corrupt the newest snapshot's balance and mark it as a schema this code does not know.
        var snapshotVersion = new AccountState(id, 2L * SNAPSHOT_EVERY, null, null, dev.tally.domain.Money.ZERO, null);
        var item = new java.util.HashMap<>(item(snapshotVersion));
        item.put(EventTable.SNAPSHOT, AttributeValue.fromM(Map.of(
                EventTable.SCHEMA_VERSION, AttributeValue.fromN("99"),
                "BalanceMinor", AttributeValue.fromN("123456789"),
                "OpenedAt", AttributeValue.fromS(T0.toString()))));
        DYNAMO.shared().putItem(b -> b.tableName(table).item(item));

        assertThat(store.load(id)).isEqualTo(AccountDecider.fold(AccountDecider.initialState(id), events));
    }

    @Test
    void the_cost_of_loading_does_not_grow_with_the_length_of_the_history() throws Exception {
        var reads = new CopyOnWriteArrayList<QueryResponse>();
        try (var observed = DYNAMO.client(new CountQueries(reads))) {
            var observedStore = new DynamoEventStore(observed, table, new SnapshotPolicy(10));
            var shortHistory = seed(10);
            var longHistory = seed(10_000);

            assertThat(observedStore.load(shortHistory.accountId())).isEqualTo(shortHistory);
            var shortRead = reads.getLast();
            assertThat(observedStore.load(longHistory.accountId())).isEqualTo(longHistory);
            var longRead = reads.getLast();

            assertThat(reads).hasSize(2);
            assertThat(shortRead.count()).isLessThanOrEqualTo(10);
            assertThat(longRead.count()).isLessThanOrEqualTo(10);
            assertThat(longRead.consumedCapacity().capacityUnits())
                    .isEqualTo(shortRead.consumedCapacity().capacityUnits());
        }
    }

    @Test
    void items_stored_in_schema_version_1_still_load_and_read() {
        // An account as the code before owners wrote it: Owner was the display name, no actor, no request id, and
        // a version 1 snapshot at version 4.
        var id = newAccount();
        for (long version = 1; version <= 5; version++) {
            var item = new java.util.HashMap<String, AttributeValue>();
            item.put("Id", AttributeValue.fromS(id.toString()));
            item.put("Version", AttributeValue.fromN(Long.toString(version)));
            item.put("Kind", AttributeValue.fromS("Event"));
            item.put("SchemaVersion", AttributeValue.fromN("1"));
            item.put("OccurredAt", AttributeValue.fromS(T0.plusSeconds(version).toString()));
            item.put("Type", AttributeValue.fromS(version == 1 ? "AccountCreated" : "BalanceCredited"));
            item.put("BalanceAfterMinor", AttributeValue.fromN(Long.toString(100 * (version - 1))));
            if (version == 1) {
                item.put("Owner", AttributeValue.fromS("Ada"));
            } else {
                item.put("AmountMinor", AttributeValue.fromN("100"));
            }
            if (version == 4) {
                item.put("Snapshot", AttributeValue.fromM(Map.of("SchemaVersion", AttributeValue.fromN("1"),
                        "BalanceMinor", AttributeValue.fromN("300"), "OpenedAt", AttributeValue.fromS(T0.plusSeconds(1).toString()),
                        "Owner", AttributeValue.fromS("Ada"))));
            }
            DYNAMO.shared().putItem(b -> b.tableName(table).item(item));
        }

        var state = store.load(id);

        assertThat(state).isEqualTo(new AccountState(id, 5, null, "Ada", dev.tally.domain.Money.ofMinor(400), T0.plusSeconds(1)));
        assertThat(state.isOwnedBy(OWNER)).isFalse();
        var first = store.readEvents(id, 0, 1).events().getFirst();
        assertThat(first.event()).isEqualTo(new AccountEvent.AccountCreated(id, null, "Ada", T0.plusSeconds(1)));
        assertThat(first.metadata()).isEqualTo(EventMetadata.none());
    }

    @Test
    void an_item_of_a_newer_schema_version_is_refused_by_name() {
        var id = newAccount();
        DYNAMO.shared().putItem(b -> b.tableName(table).item(Map.of(
                "Id", AttributeValue.fromS(id.toString()), "Version", AttributeValue.fromN("1"),
                "Kind", AttributeValue.fromS("Event"), "SchemaVersion", AttributeValue.fromN("4"),
                "Type", AttributeValue.fromS("AccountCreated"), "OccurredAt", AttributeValue.fromS(T0.toString()),
                "BalanceAfterMinor", AttributeValue.fromN("0"))));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.readEvents(id, 0, 1))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("schema version 4; this code reads versions 1 to 3");
    }

    @Test
    void an_event_of_schema_version_2_reads_its_request_id_as_its_correlation_id() {
        var id = newAccount();
        // an item as schema version 2 wrote it, before correlation ids
        DYNAMO.shared().putItem(b -> b.tableName(table).item(Map.ofEntries(
                Map.entry("Id", AttributeValue.fromS(id.toString())), Map.entry("Version", AttributeValue.fromN("1")),
                Map.entry("Kind", AttributeValue.fromS("Event")), Map.entry("SchemaVersion", AttributeValue.fromN("2")),
                Map.entry("Type", AttributeValue.fromS("AccountCreated")),
                Map.entry("OccurredAt", AttributeValue.fromS(T0.toString())),
                Map.entry("OwnerIssuer", AttributeValue.fromS(OWNER.issuer())),
                Map.entry("OwnerSubject", AttributeValue.fromS(OWNER.subject())),
                Map.entry("ActorIssuer", AttributeValue.fromS(OWNER.issuer())),
                Map.entry("ActorSubject", AttributeValue.fromS(OWNER.subject())),
                Map.entry("RequestId", AttributeValue.fromS("JKJaXmPLvHcESHA=")),
                Map.entry("BalanceAfterMinor", AttributeValue.fromN("0")))));

        var metadata = store.readEvents(id, 0, 1).events().getFirst().metadata();

        assertThat(metadata.requestId()).contains("JKJaXmPLvHcESHA=");
        assertThat(metadata.correlationId()).contains("JKJaXmPLvHcESHA=");
    }

    @Test
    void an_event_written_now_keeps_its_own_correlation_id() {
        var id = newAccount();
        var state = AccountDecider.initialState(id);
        var metadata = EventMetadata.of(OWNER, "req-1", "4bf92f3577b34da6a3ce929d0e0e4736", java.util.Optional.empty());
        store.append(state, List.of(new AccountEvent.AccountCreated(id, OWNER, null, T0)), metadata);

        assertThat(store.readEvents(id, 0, 1).events().getFirst().metadata()).isEqualTo(metadata);
    }

    /** Writes a history straight to the table with BatchWriteItem (25 items a call), snapshots included. */
    private AccountState seed(int length) throws Exception {
        var id = newAccount();
        var policy = new SnapshotPolicy(10);
        var items = new ArrayList<Map<String, AttributeValue>>();
        var state = AccountDecider.initialState(id);
        for (AccountEvent event : history(id, length)) {
            state = AccountDecider.evolve(state, event);
            items.add(EventItemCodec.encode(event, state, policy.isSnapshotVersion(state.version()), BY_OWNER));
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            var batches = new ArrayList<java.util.concurrent.Future<?>>();
            for (int from = 0; from < items.size(); from += 25) {
                var batch = items.subList(from, Math.min(from + 25, items.size())).stream()
                        .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                        .toList();
                batches.add(pool.submit(() -> writeAll(DYNAMO.shared(), batch)));
            }
            for (var batch : batches) {
                batch.get();
            }
        }
        return state;
    }

    private static void writeAll(DynamoDbClient dynamo, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        while (!pending.isEmpty()) {
            var request = pending;
            var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
            pending = unprocessed == null ? Map.of() : unprocessed;
        }
    }

    /** Asks every Query for its consumed capacity and keeps the responses. */
    private record CountQueries(List<QueryResponse> responses) implements ExecutionInterceptor {
        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof QueryRequest query) {
                return query.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            return context.request();
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.response() instanceof QueryResponse response) {
                responses.add(response);
            }
        }
    }

    @Test
    void a_put_that_landed_but_whose_answer_was_lost_counts_as_written_when_the_sdk_sends_it_again() {
        var id = newAccount();
        // the lost put is a snapshot version, so the comparison covers the item's nested snapshot too
        var before = appendOneByOne(id, history(id, SNAPSHOT_EVERY - 1));
        var lostAnswer = FirstAnswerLost.afterItLanded();
        try (var client = DYNAMO.client(lostAnswer)) {
            var retried = new DynamoEventStore(client, table, new SnapshotPolicy(SNAPSHOT_EVERY));
            var credit = history(id, SNAPSHOT_EVERY).getLast();

            var result = retried.append(before, List.of(credit), BY_OWNER);

            assertThat(lostAnswer.happened()).isTrue();
            assertThat(result).isEqualTo(new AppendResult.Appended(AccountDecider.evolve(before, credit)));
            assertThat(retried.readEvents(id, 0, 10).events()).extracting(RecordedEvent::event)
                    .containsExactly(history(id, SNAPSHOT_EVERY).toArray(AccountEvent[]::new));
        }
    }

    @Test
    void an_ordinary_lost_race_reads_nothing_back() {
        var id = newAccount();
        var created = appendOneByOne(id, history(id, 1));
        appendOneByOne(id, history(id, 2).subList(1, 2));
        var gets = new java.util.concurrent.atomic.AtomicInteger();
        var countGets = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.GetItemRequest) {
                    gets.incrementAndGet();
                }
            }
        };
        try (var client = DYNAMO.client(countGets)) {
            var loser = new DynamoEventStore(client, table, new SnapshotPolicy(SNAPSHOT_EVERY));

            var result = loser.append(created, List.of(history(id, 2).get(1)), BY_OWNER);

            assertThat(result).isEqualTo(new AppendResult.Conflict(id, 1));
            assertThat(gets).hasValue(0);
        }
    }

    @Test
    void a_put_sent_again_and_refused_by_another_writers_event_is_still_a_lost_race() {
        var id = newAccount();
        var created = appendOneByOne(id, history(id, 1));
        var winner = new AccountEvent.BalanceCredited(id, dev.tally.domain.Money.ofMinor(999), T0.plusSeconds(7));
        // another writer takes version 2 while this writer's first attempt fails before reaching dynalite
        var raced = FirstAnswerLost.beforeItWasSent(() -> assertThat(store.append(created, List.of(winner),
                EventMetadata.of(OWNER, "req-winner", Optional.empty()))).isInstanceOf(AppendResult.Appended.class));
        try (var client = DYNAMO.client(raced)) {
            var loser = new DynamoEventStore(client, table, new SnapshotPolicy(SNAPSHOT_EVERY));

            var result = loser.append(created, List.of(history(id, 2).get(1)), BY_OWNER);

            assertThat(raced.happened()).isTrue();
            assertThat(result).isEqualTo(new AppendResult.Conflict(id, 1));
            assertThat(loser.readEvents(id, 0, 10).events()).extracting(RecordedEvent::event)
                    .containsExactly(history(id, 1).getFirst(), winner);
        }
    }
}
