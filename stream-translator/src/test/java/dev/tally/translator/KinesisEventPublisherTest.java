package dev.tally.translator;

import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.emulators.Kinesalite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Publishing to a real kinesalite process, read back with GetRecords. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class KinesisEventPublisherTest {

    private static Kinesalite kinesalite;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() {
        kinesalite = Kinesalite.inMemory();
        kinesis = client();
    }

    @AfterAll
    static void stop() {
        kinesis.close();
        kinesalite.close();
    }

    private static KinesisClient client(ExecutionInterceptor... interceptors) {
        return KinesisClient.builder()
                .endpointOverride(kinesalite.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .build();
    }

    private static String newStream(int shards) {
        var name = "domain-events-" + UUID.randomUUID();
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
        return name;
    }

    /** Every record on every shard, oldest first per shard, keyed by shard. */
    private static Map<String, List<DomainEvent>> readAll(String stream) {
        var byShard = new HashMap<String, List<DomainEvent>>();
        for (var shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            var events = new ArrayList<DomainEvent>();
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                var current = iterator;
                var page = kinesis.getRecords(b -> b.shardIterator(current).limit(1000));
                page.records().forEach(r -> events.add(DomainEventCodec.fromJson(r.data().asByteArray())));
                if (page.records().isEmpty() || page.millisBehindLatest() == 0) {
                    break;
                }
                iterator = page.nextShardIterator();
            }
            byShard.put(shard.shardId(), events);
        }
        return byShard;
    }

    private static List<DomainEvent> history(String account, int length) {
        var events = new ArrayList<DomainEvent>();
        for (int v = 1; v <= length; v++) {
            events.add(new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(account, v), account, v,
                    Instant.parse("2026-11-26T10:00:00Z").plusSeconds(v), 100, 100L * v, null, null, null, null));
        }
        return events;
    }

    @Test
    void more_than_one_call_worth_of_events_lands_once_each_in_version_order_per_account() {
        var stream = newStream(3);
        var events = new ArrayList<DomainEvent>();
        for (int a = 0; a < 6; a++) {
            events.addAll(history(UUID.randomUUID().toString(), 120));
        }

        var failed = new KinesisEventPublisher(kinesis, stream).publish(events);

        assertThat(failed).isEmpty();
        var byShard = readAll(stream);
        assertThat(byShard.values().stream().mapToInt(List::size).sum()).isEqualTo(720);
        for (var shard : byShard.values()) {
            var lastVersion = new HashMap<String, Long>();
            for (var event : shard) {
                assertThat(event.version()).isEqualTo(lastVersion.getOrDefault(event.accountId(), 0L) + 1);
                lastVersion.put(event.accountId(), event.version());
            }
        }
    }

    @Test
    void only_rejected_entries_and_the_same_accounts_later_events_are_sent_again() {
        var stream = newStream(1);
        var a = history("aaaaaaaa-0000-4000-8000-000000000001", 3);
        var b = history("bbbbbbbb-0000-4000-8000-000000000002", 2);
        var calls = new ArrayList<Integer>();
        var rejectOnce = new RejectEntry(1, calls);
        try (var flaky = client(rejectOnce)) {
            var failed = new KinesisEventPublisher(flaky, stream).publish(List.of(a.get(0), b.get(0), a.get(1), b.get(1), a.get(2)));

            assertThat(failed).isEmpty();
        }
        // first call: 5 entries, entry 1 (b v1) "rejected"; second call: b v1 and b v2 only
        assertThat(calls).containsExactly(5, 2);
        var onShard = readAll(stream).values().iterator().next();
        var lastCopyOrder = new ArrayList<String>();
        onShard.reversed().forEach(e -> {
            var label = e.accountId().substring(0, 1) + e.version();
            if (!lastCopyOrder.contains(label)) {
                lastCopyOrder.addFirst(label);
            }
        });
        assertThat(lastCopyOrder).containsExactly("a1", "a2", "a3", "b1", "b2");
    }

    @Test
    void a_call_refused_in_a_way_no_retry_changes_is_not_sent_again() {
        var events = history(UUID.randomUUID().toString(), 3);
        var calls = new ArrayList<Integer>();
        try (var counting = client(new RejectEntry(-1, calls))) {
            // kinesalite answers ResourceNotFoundException (400), as Kinesis does for a stream that does not exist
            var failed = new KinesisEventPublisher(counting, "no-such-stream-" + UUID.randomUUID()).publish(events);

            assertThat(failed).containsExactlyElementsOf(events);
        }
        assertThat(calls).containsExactly(3);
    }

    @Test
    void the_handler_publishes_a_lambda_shaped_batch_to_kinesis() {
        var stream = newStream(2);
        var handler = new StreamTranslatorHandler(new StreamTranslator(new KinesisEventPublisher(kinesis, stream)));

        var response = handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"),
                dev.tally.standins.lambda.LocalLambdaContext.of("test", "test-request", java.time.Duration.ofSeconds(30), line -> { }));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(readAll(stream).values().stream().flatMap(List::stream).map(DomainEvent::type))
                .containsExactlyInAnyOrder("AccountCreated", "BalanceCredited", "BalanceWithdrawn", "AccountCreated");
    }

    @Test
    void calls_stay_within_500_records() {
        var events = history(UUID.randomUUID().toString(), 1201);

        assertThat(KinesisEventPublisher.chunks(events)).extracting(List::size).containsExactly(500, 500, 201);
    }

    /**
     * Counts PutRecords calls, and marks entry {@code index} of the first response as throttled (none if negative),
     * as Kinesis does under load. The entry was in fact written, so the stream ends up with a duplicate: exactly what
     * happens when a response is lost.
     */
    private static final class RejectEntry implements ExecutionInterceptor {
        private final int index;
        private final List<Integer> calls;
        private final AtomicInteger seen = new AtomicInteger();

        RejectEntry(int index, List<Integer> calls) {
            this.index = index;
            this.calls = calls;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutRecordsRequest request) {
                calls.add(request.records().size());
            }
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof PutRecordsResponse response && index >= 0 && seen.getAndIncrement() == 0) {
                var entries = new ArrayList<>(response.records());
                entries.set(index, PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate exceeded for shard").build());
                return response.toBuilder().records(entries).failedRecordCount(1).build();
            }
            return context.response();
        }
    }
}
