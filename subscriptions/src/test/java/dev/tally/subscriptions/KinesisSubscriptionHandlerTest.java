package dev.tally.subscriptions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Lambda handler base: a batch ends handled or parked (no failures reported), or held whole (the first named). */
@DisplayNameGeneration(ReplaceUnderscores.class)
class KinesisSubscriptionHandlerTest {

    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    private final InMemoryPositionStore positions = new InMemoryPositionStore();
    private final List<DomainEvent> handled = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();

    private final class Function extends KinesisSubscriptionHandler {
        Function(EventHandler handler, GapPolicy gaps) {
            super(Subscription.perEventInOrder("lambda", handler, Runnable::run, positions, gaps, deadLetters,
                    new Backoff(1, Duration.ZERO, Duration.ZERO), Clock.fixed(T0, ZoneOffset.UTC)));
        }
    }

    private static KinesisEvent.KinesisEventRecord record(String sequenceNumber, byte[] data) {
        var kinesis = new KinesisEvent.Record();
        kinesis.setSequenceNumber(sequenceNumber);
        kinesis.setPartitionKey(A);
        kinesis.setData(ByteBuffer.wrap(data));
        kinesis.setApproximateArrivalTimestamp(Date.from(T0));
        var record = new KinesisEvent.KinesisEventRecord();
        record.setEventID("shardId-000000000003:" + sequenceNumber);
        record.setKinesis(kinesis);
        return record;
    }

    private static byte[] credit(long version) {
        return DomainEventCodec.toJson(new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(A, version), A, version,
                T0, 100, 100 * version, null, null, null, null));
    }

    private static KinesisEvent event(KinesisEvent.KinesisEventRecord... records) {
        var event = new KinesisEvent();
        event.setRecords(List.of(records));
        return event;
    }

    private Context context() {
        LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                logged.add(message);
            }

            @Override
            public void log(byte[] message) {
                logged.add(new String(message, StandardCharsets.UTF_8));
            }
        };
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> method.getName().equals("getLogger") ? logger : null);
    }

    @Test
    void a_batch_handled_or_parked_reports_no_failure_and_parks_with_the_shard_from_the_event_id() {
        var function = new Function(handled::add, new GapPolicy.Park());

        StreamsEventResponse response = function.handleRequest(event(record("10", credit(1)),
                record("11", "not json".getBytes(StandardCharsets.UTF_8)), record("12", credit(2))), context());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(handled).extracting(DomainEvent::version).containsExactly(1L, 2L);
        assertThat(deadLetters.list("lambda")).singleElement().satisfies(letter -> {
            assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.UNREADABLE);
            assertThat(letter.record().position()).isEqualTo("shardId-000000000003/11");
        });
    }

    @Test
    void a_held_batch_names_its_first_record_so_lambda_retries_it_whole_and_the_handled_part_is_not_repeated() {
        // waiting for a gap to fill holds the batch: version 2 is late
        var function = new Function(handled::add, new GapPolicy.Wait(3));

        var held = function.handleRequest(event(record("20", credit(1)), record("22", credit(3))), context());
        var again = function.handleRequest(event(record("20", credit(1)), record("21", credit(2)), record("22", credit(3))),
                context());

        assertThat(held.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("20");
        assertThat(again.getBatchItemFailures()).isEmpty();
        assertThat(handled).extracting(DomainEvent::version).containsExactly(1L, 2L, 3L);
        assertThat(deadLetters.list("lambda")).isEmpty();
    }
}
