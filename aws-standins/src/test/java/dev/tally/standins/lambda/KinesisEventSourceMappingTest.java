package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.emulators.Kinesalite;
import dev.tally.standins.LocalClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event-source mapping on a Kinesis stream of the real kinesalite: the same settings as on a DynamoDB stream
 * (EventSourceMappingTest covers them in depth), checked here for what differs: the event's shape, the
 * partial-batch failures by sequence number, and the on-failure record's {@code KinesisBatchInfo}.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class KinesisEventSourceMappingTest {

    private static final String STREAM = "things";

    private Kinesalite kinesalite;
    private KinesisClient kinesis;
    private final List<AutoCloseable> mappings = new ArrayList<>();
    private final DeadLetterStore deadLetters = new DeadLetterStore(Optional.empty());
    /** Every record's data the function was handed, in order. */
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        Kinesalite.disableCbor();
        kinesalite = Kinesalite.inMemory();
        kinesis = LocalClients.client(KinesisClient.builder(), kinesalite.endpoint());
        kinesis.createStream(b -> b.streamName(STREAM).shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(STREAM));
    }

    @AfterEach
    void stop() throws Exception {
        for (var mapping : mappings) {
            mapping.close();
        }
        kinesis.close();
        kinesalite.close();
    }

    /** The sequence number each value was put at. */
    private final java.util.Map<String, String> sequenceNumbers = new ConcurrentHashMap<>();

    private void put(String... values) {
        for (var value : values) {
            sequenceNumbers.put(value, kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("p")
                    .data(SdkBytes.fromUtf8String(value))).sequenceNumber());
        }
    }

    private static String dataOf(KinesisEvent.KinesisEventRecord record) {
        var buffer = record.getKinesis().getData().duplicate();
        var bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void map(RequestHandler<KinesisEvent, StreamsEventResponse> function, int retries) {
        mappings.add(EventSourceMapping.onKinesisStream(kinesis, STREAM, LocalClients.REGION, function,
                new EventSourceMapping.Settings("subscriber", 10, Duration.ZERO, true, true, retries, Duration.ofMinutes(-1), true),
                deadLetters, Clock.systemUTC(), Optional.empty(), line -> { }));
    }

    @Test
    void records_arrive_in_order_as_lambda_builds_a_kinesis_event() {
        var arn = kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
        var shapeChecked = new AtomicBoolean();
        map((event, context) -> {
            for (var record : event.getRecords()) {
                delivered.add(dataOf(record));
                assertThat(record.getEventSource()).isEqualTo("aws:kinesis");
                assertThat(record.getEventName()).isEqualTo("aws:kinesis:record");
                assertThat(record.getEventSourceARN()).isEqualTo(arn);
                assertThat(record.getEventID()).isEqualTo("shardId-000000000000:" + record.getKinesis().getSequenceNumber());
                assertThat(record.getKinesis().getPartitionKey()).isEqualTo("p");
                assertThat(record.getKinesis().getApproximateArrivalTimestamp()).isNotNull();
                shapeChecked.set(true);
            }
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        }, 3);

        put("a", "b", "c");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(delivered).containsExactly("a", "b", "c"));
        assertThat(shapeChecked).isTrue();
    }

    @Test
    void a_reported_failure_is_retried_from_that_record_then_sent_to_the_on_failure_destination() {
        var failOnce = ConcurrentHashMap.<String>newKeySet();
        failOnce.add("b");
        map((event, context) -> {
            var failures = new ArrayList<StreamsEventResponse.BatchItemFailure>();
            for (var record : event.getRecords()) {
                var data = dataOf(record);
                delivered.add(data);
                if (data.equals("poison") || failOnce.remove(data)) {
                    context.getLogger().log("cannot handle " + record.getKinesis().getSequenceNumber() + ": " + data);
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(record.getKinesis().getSequenceNumber()).build());
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        }, 1);

        put("a", "b", "poison", "c");

        await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters.entries().isEmpty() && delivered.contains("c"));
        var letter = deadLetters.entries().getFirst();
        assertThat(letter.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(letter.path("KinesisBatchInfo").path("shardId").asText()).isEqualTo("shardId-000000000000");
        // retried from the reported record: what is set aside starts with poison (and holds what followed it in its batch)
        assertThat(letter.path("KinesisBatchInfo").path("startSequenceNumber").asText()).isEqualTo(sequenceNumbers.get("poison"));
        assertThat(letter.path("KinesisBatchInfo").path("batchSize").asInt()).isBetween(1, 2);
        assertThat(letter.path("reason").asText()).contains("poison");
        assertThat(delivered.stream().filter("a"::equals)).hasSize(1);
        assertThat(delivered.stream().filter("b"::equals)).hasSize(2);
        assertThat(delivered.stream().distinct().toList()).containsExactly("a", "b", "poison", "c");
    }
}
