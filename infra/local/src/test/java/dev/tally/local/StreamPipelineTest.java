package dev.tally.local;

import dev.tally.contracts.DomainEvent;
import dev.tally.eventstore.EventTable;
import dev.tally.translator.StreamTranslatorEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** HTTP API -> DynamoDB -> stream stand-in -> translator -> Kinesis, on a whole local stack. */
@DisplayNameGeneration(ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamPipelineTest {

    private static LocalStack stack;
    private static ApiClient api;
    private static DomainEventStream stream;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStack.Settings.ephemeral(), Progress.silent());
        api = new ApiClient(stack.apiEndpoint());
        stream = new DomainEventStream(stack.kinesis(), StreamTranslatorEnvironment.DEFAULT_STREAM_NAME);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void hundreds_of_concurrent_commands_reach_kinesis_exactly_once_in_version_order_per_account() throws Exception {
        var accounts = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            var id = api.post("/accounts", "{}").body().get("accountId").asText();
            api.post("/accounts/" + id + "/credit", "{\"amount\": \"20.00\"}");
            accounts.add(id);
        }
        var results = new ArrayList<Future<Integer>>();
        int applied = 0;
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 400; i++) {
                var account = accounts.get(i % accounts.size());
                var action = i % 3 == 2 ? "withdraw" : "credit";
                results.add(pool.submit(() -> api.post("/accounts/" + account + "/" + action, "{\"amount\": \"1.00\"}").status()));
            }
            for (var result : results) {
                assertThat(result.get()).isIn(200, 422);
                applied += result.get() == 200 ? 1 : 0;
            }
        }
        var expected = new HashSet<String>();
        stack.dynamo().scan(b -> b.tableName(EventTable.DEFAULT_NAME)).items()
                .forEach(item -> expected.add(DomainEvent.eventIdFor(item.get("Id").s(), Long.parseLong(item.get("Version").n()))));
        assertThat(expected).hasSize(16 + applied);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var published = new HashSet<String>();
            stream.readAll().values().forEach(records -> records.forEach(r -> published.add(r.event().eventId())));
            assertThat(published).containsAll(expected);
        });

        var byShard = stream.readAll();
        var shardOf = new HashMap<String, String>();
        var published = new HashSet<String>();
        for (var shard : byShard.entrySet()) {
            var lastVersion = new HashMap<String, Long>();
            for (var received : shard.getValue()) {
                var event = received.event();
                assertThat(shardOf.computeIfAbsent(event.accountId(), a -> shard.getKey())).isEqualTo(shard.getKey());
                if (published.add(event.eventId())) {
                    assertThat(event.version()).as("version order of %s", event.accountId())
                            .isEqualTo(lastVersion.getOrDefault(event.accountId(), 0L) + 1);
                    lastVersion.put(event.accountId(), event.version());
                }
            }
        }
        assertThat(published).isEqualTo(expected);
        int records = byShard.values().stream().mapToInt(List::size).sum();
        assertThat(records).as("no duplicates without failures").isEqualTo(expected.size());
    }

    @Test
    @Order(2)
    void a_poison_item_goes_to_the_dead_letter_store_with_its_reason_while_later_events_are_published() {
        var poison = UUID.randomUUID().toString();
        stack.dynamo().putItem(b -> b.tableName(EventTable.DEFAULT_NAME).item(Map.of(
                "Id", AttributeValue.fromS(poison), "Version", AttributeValue.fromN("1"),
                "Kind", AttributeValue.fromS("Event"), "Type", AttributeValue.fromS("AccountFrozen"),
                "SchemaVersion", AttributeValue.fromN("1"))));
        var later = api.post("/accounts", "{}").body().get("accountId").asText();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(stack.deadLetters().entries()).anySatisfy(letter -> {
                assertThat(letter.path("records").toString()).contains(poison);
                assertThat(letter.path("reason").asText()).contains("unknown type AccountFrozen");
            });
            assertThat(stream.readAll().values().stream().flatMap(List::stream)
                    .map(r -> r.event().accountId())).contains(later);
        });
    }
}
