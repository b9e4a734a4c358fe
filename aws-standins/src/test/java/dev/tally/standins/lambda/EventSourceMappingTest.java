package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.emulators.Dynalite;
import dev.tally.standins.LocalClients;
import dev.tally.standins.streams.DynamoDbStreamsStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event-source mapping stand-in over the real streams stand-in and dynalite, with scripted functions. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class EventSourceMappingTest {

    @TempDir
    Path data;

    private Dynalite dynalite;
    private DynamoDbStreamsStandIn standIn;
    private DynamoDbClient dynamo;
    private DynamoDbStreamsClient streams;
    private String streamArn;
    private final List<AutoCloseable> mappings = new ArrayList<>();
    private final DeadLetterStore deadLetters = new DeadLetterStore(Optional.empty());

    /** Every record the function was handed, in order, as "key". */
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        dynalite = Dynalite.inMemory();
        standIn = new DynamoDbStreamsStandIn(dynalite.endpoint(), 0, LocalClients.REGION, Clock.systemUTC(), Optional.empty());
        dynamo = LocalClients.client(DynamoDbClient.builder(), standIn.endpoint());
        streams = LocalClients.client(DynamoDbStreamsClient.builder(), standIn.endpoint());
        streamArn = dynamo.createTable(b -> b.tableName("things")
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("Id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("Id").keyType(KeyType.HASH).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)))
                .tableDescription().latestStreamArn();
    }

    @AfterEach
    void stop() throws Exception {
        for (var mapping : mappings) {
            mapping.close();
        }
        streams.close();
        dynamo.close();
        standIn.close();
        dynalite.close();
    }

    private void put(String... keys) {
        for (var key : keys) {
            dynamo.putItem(b -> b.tableName("things").item(Map.of("Id", AttributeValue.fromS(key))));
        }
    }

    private static String keyOf(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb().getKeys().get("Id").getS();
    }

    private EventSourceMapping<DynamodbEvent> map(RequestHandler<DynamodbEvent, StreamsEventResponse> function, int batchSize,
                                   int retries, Duration maxAge, Clock clock, Optional<Path> dataDir) {
        var mapping = EventSourceMapping.onDynamoDbStream(streams, streamArn, LocalClients.REGION, function,
                new EventSourceMapping.Settings("test-function", batchSize, Duration.ZERO, true, true, retries, maxAge, true),
                deadLetters, clock, dataDir, line -> { });
        mappings.add(mapping);
        return mapping;
    }

    /** A function that records what it gets and reports the records {@code fails} picks. */
    private RequestHandler<DynamodbEvent, StreamsEventResponse> function(Set<String> fails, Set<String> failOnce) {
        return (event, context) -> {
            batchSizes.add(event.getRecords().size());
            var failures = new ArrayList<StreamsEventResponse.BatchItemFailure>();
            for (var record : event.getRecords()) {
                var key = keyOf(record);
                delivered.add(key);
                assertThat(record.getEventSourceARN()).isEqualTo(streamArn);
                if (fails.contains(key) || failOnce.remove(key)) {
                    context.getLogger().log("cannot handle " + record.getDynamodb().getSequenceNumber() + ": " + key + " is bad");
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build());
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        };
    }

    @Test
    void records_arrive_once_each_in_order_in_batches_of_at_most_the_batch_size() {
        map(function(Set.of(), ConcurrentHashMap.newKeySet()), 10, 3, Duration.ofMinutes(-1), Clock.systemUTC(), Optional.empty());
        var keys = new ArrayList<String>();
        for (int i = 0; i < 25; i++) {
            keys.add(String.format("k%02d", i));
        }

        put(keys.toArray(String[]::new));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).containsExactlyElementsOf(keys));
        assertThat(batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    }

    @Test
    void a_disabled_mapping_invokes_nothing_and_enabled_again_goes_on_where_it_stopped() {
        var mapping = map(function(Set.of(), ConcurrentHashMap.newKeySet()), 10, 3, Duration.ofMinutes(-1),
                Clock.systemUTC(), Optional.empty());
        put("k00");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).containsExactly("k00"));

        mapping.enabled(false);
        put("k01", "k02", "k03");

        // several of the stream's read intervals (250 ms) pass with the records waiting and nothing invoked
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(delivered).containsExactly("k00"));
        assertThat(mapping.enabled()).isFalse();

        mapping.enabled(true);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(delivered).containsExactly("k00", "k01", "k02", "k03"));
    }

    @Test
    void a_reported_failure_resumes_from_that_record_and_loses_nothing() {
        var failOnce = ConcurrentHashMap.<String>newKeySet();
        failOnce.add("b");
        map(function(Set.of(), failOnce), 10, 3, Duration.ofMinutes(-1), Clock.systemUTC(), Optional.empty());

        put("a", "b", "c");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delivered).contains("c");
            assertThat(delivered.stream().filter("b"::equals)).hasSize(2);
        });
        // the record before the failure is done and not delivered again; the failed one comes back
        assertThat(delivered.stream().filter("a"::equals)).hasSize(1);
        assertThat(delivered.indexOf("a")).isLessThan(delivered.indexOf("b"));
        assertThat(deadLetters.entries()).isEmpty();
    }

    @Test
    void a_reported_poison_record_is_retried_from_itself_and_its_batch_sent_to_the_on_failure_destination_with_its_reason() {
        var mapping = map(function(Set.of("poison"), ConcurrentHashMap.newKeySet()), 10, 2, Duration.ofMinutes(-1),
                Clock.systemUTC(), Optional.empty());

        put("a", "b", "poison", "c", "d");
        await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.entries().isEmpty() && delivered.contains("d"));
        put("e");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).contains("e"));
        var letter = deadLetters.entries().getFirst();
        assertThat(deadLetters.entries()).hasSize(1);
        assertThat(letter.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        // split at the reported record, not halved: what is set aside starts with it (and holds what followed it in
        // its batch, which depends on how the puts fell into polls)
        assertThat(letter.path("records").get(0).toString()).contains("poison");
        assertThat(letter.path("DDBStreamBatchInfo").path("batchSize").asInt()).isBetween(1, 3);
        assertThat(letter.path("DDBStreamBatchInfo").path("streamArn").asText()).isEqualTo(streamArn);
        assertThat(letter.path("reason").asText()).contains("poison is bad");
        assertThat(letter.path("records").toString()).contains("poison");
        // everything else got through, in order of first delivery
        assertThat(delivered.stream().distinct().toList()).containsExactly("a", "b", "poison", "c", "d", "e");
        assertThat(mapping.checkpoints()).hasSize(1);
    }

    @Test
    void a_function_error_is_retried_and_then_set_aside_too() {
        RequestHandler<DynamodbEvent, StreamsEventResponse> throwing = (event, context) -> {
            event.getRecords().forEach(r -> delivered.add(keyOf(r)));
            if (event.getRecords().stream().anyMatch(r -> keyOf(r).equals("boom"))) {
                throw new IllegalStateException("cannot cope with boom");
            }
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        };
        map(throwing, 10, 1, Duration.ofMinutes(-1), Clock.systemUTC(), Optional.empty());

        put("a", "boom", "b");

        await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.entries().isEmpty() && delivered.contains("b"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(deadLetters.entries().getFirst().path("reason").asText()).contains("cannot cope with boom"));
    }

    @Test
    void records_older_than_the_maximum_age_go_to_the_on_failure_destination_unprocessed() {
        var twoHoursLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        map(function(Set.of(), ConcurrentHashMap.newKeySet()), 10, 3, Duration.ofHours(1), twoHoursLater, Optional.empty());

        put("old");

        await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.entries().isEmpty());
        assertThat(deadLetters.entries().getFirst().path("requestContext").path("condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(delivered).isEmpty();
    }

    @Test
    void a_restarted_mapping_resumes_from_its_checkpoint() throws Exception {
        var first = map(function(Set.of(), ConcurrentHashMap.newKeySet()), 10, 3, Duration.ofMinutes(-1), Clock.systemUTC(), Optional.of(data));
        put("a", "b");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).containsExactly("a", "b"));
        first.close();

        put("c");
        map(function(Set.of(), ConcurrentHashMap.newKeySet()), 10, 3, Duration.ofMinutes(-1), Clock.systemUTC(), Optional.of(data));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).containsExactly("a", "b", "c"));
    }
}
