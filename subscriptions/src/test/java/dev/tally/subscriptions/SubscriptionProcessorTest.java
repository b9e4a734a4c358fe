package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The KCL record processor: a checkpoint only once every record is handled or parked, never otherwise. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SubscriptionProcessorTest {

    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final Backoff QUICK = new Backoff(2, Duration.ZERO, Duration.ZERO);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger checkpoints = new AtomicInteger();

    /** Counts checkpoint() calls; throws {@code failure} from each, if given. */
    private RecordProcessorCheckpointer checkpointer(RuntimeException failure) {
        return (RecordProcessorCheckpointer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{RecordProcessorCheckpointer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("checkpoint") && (args == null || args.length == 0)) {
                        events.add("checkpoint");
                        checkpoints.incrementAndGet();
                        if (failure != null) {
                            throw failure;
                        }
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static KinesisClientRecord record(String sequence, byte[] data) {
        return KinesisClientRecord.builder().sequenceNumber(sequence).partitionKey(A).data(ByteBuffer.wrap(data))
                .approximateArrivalTimestamp(T0).build();
    }

    private static byte[] credit(long version) {
        return DomainEventCodec.toJson(new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(A, version), A, version, T0,
                100, 100 * version, null, null, null, null));
    }

    private SubscriptionProcessor processor(Subscription subscription) {
        var processor = new SubscriptionProcessor(subscription, CLOCK, line -> { });
        processor.initialize(InitializationInput.builder().shardId("shardId-000000000000")
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
        return processor;
    }

    private Subscription subscription(DeadLetterStore deadLetters) {
        return Subscription.perEvent("test", event -> events.add("handled v" + event.version()), Runnable::run,
                deadLetters, QUICK, CLOCK);
    }

    @Test
    void a_batch_is_checkpointed_once_after_every_record_is_handled_or_parked() {
        var deadLetters = new InMemoryDeadLetterStore();
        var processor = processor(subscription(deadLetters));

        processor.processRecords(ProcessRecordsInput.builder().checkpointer(checkpointer(null)).records(List.of(
                record("1", credit(1)), record("2", "garbage".getBytes(StandardCharsets.UTF_8)), record("3", credit(2))))
                .build());

        assertThat(events).containsExactly("handled v1", "handled v2", "checkpoint");
        assertThat(deadLetters.list("test")).singleElement()
                .satisfies(d -> assertThat(d.record().position()).isEqualTo("shardId-000000000000/2"));
    }

    @Test
    void the_user_records_of_one_aggregated_record_are_told_apart_by_their_sub_sequence_number() {
        var deadLetters = new InMemoryDeadLetterStore();
        var processor = processor(subscription(deadLetters));
        var garbage = "garbage".getBytes(StandardCharsets.UTF_8);

        processor.processRecords(ProcessRecordsInput.builder().checkpointer(checkpointer(null)).records(List.of(
                KinesisClientRecord.builder().sequenceNumber("7").subSequenceNumber(0).aggregated(true).partitionKey(A)
                        .data(ByteBuffer.wrap(garbage)).approximateArrivalTimestamp(T0).build(),
                KinesisClientRecord.builder().sequenceNumber("7").subSequenceNumber(1).aggregated(true).partitionKey(A)
                        .data(ByteBuffer.wrap(garbage)).approximateArrivalTimestamp(T0).build())).build());

        assertThat(deadLetters.list("test")).extracting(d -> d.record().position())
                .containsExactly("shardId-000000000000/7.0", "shardId-000000000000/7.1");
    }

    @Test
    void a_batch_whose_dead_letter_cannot_be_stored_is_delivered_again_and_checkpointed_only_once_it_goes_through() {
        var failures = new AtomicInteger(2);
        var store = new InMemoryDeadLetterStore();
        DeadLetterStore flaky = new DeadLetterStore() {
            @Override
            public void park(DeadLetter deadLetter) {
                if (failures.getAndDecrement() > 0) {
                    events.add("park failed");
                    throw new IllegalStateException("dead-letter table unavailable");
                }
                store.park(deadLetter);
            }

            @Override
            public List<DeadLetter> list(String subscription) {
                return store.list(subscription);
            }

            @Override
            public long count(String subscription) {
                return store.count(subscription);
            }

            @Override
            public void redriven(DeadLetter letter, Instant at) {
                store.redriven(letter, at);
            }

            @Override
            public List<DeadLetter> redriven(String subscription) {
                return store.redriven(subscription);
            }
        };
        var processor = processor(subscription(flaky));

        processor.processRecords(ProcessRecordsInput.builder().checkpointer(checkpointer(null)).records(List.of(
                record("1", credit(1)), record("2", "garbage".getBytes(StandardCharsets.UTF_8)))).build());

        assertThat(events).containsExactly("park failed", "park failed", "handled v1", "checkpoint");
        assertThat(store.count("test")).isEqualTo(1);
    }

    @Test
    void an_unfinished_batch_is_never_checkpointed_not_even_at_shutdown() {
        var subscription = subscription(new InMemoryDeadLetterStore());
        var processor = processor(subscription);
        subscription.stop();

        processor.processRecords(ProcessRecordsInput.builder().checkpointer(checkpointer(null))
                .records(List.of(record("1", credit(1)))).build());
        processor.shutdownRequested(ShutdownRequestedInput.builder().checkpointer(checkpointer(null)).build());

        assertThat(events).isEmpty();
        assertThat(checkpoints).hasValue(0);
    }

    @Test
    void a_checkpoint_that_fails_does_not_have_the_batch_handled_again() {
        var processor = processor(subscription(new InMemoryDeadLetterStore()));

        processor.processRecords(ProcessRecordsInput.builder()
                .checkpointer(checkpointer(new KinesisClientLibDependencyException("lease table unreachable", null)))
                .records(List.of(record("1", credit(1)), record("2", credit(2)))).build());

        assertThat(events).containsExactly("handled v1", "handled v2", "checkpoint");
    }
}
