package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.observability.testing.CapturedLogs;
import dev.tally.resilience.Backoff;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Given records on a shard, when the subscription processes them, then each is handled or parked with its reason. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SubscriptionTest {

    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    /** Retries without waiting: the pauses are not what these tests are about. */
    private static final Backoff QUICK = new Backoff(3, Duration.ZERO, Duration.ZERO);

    private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
    private final List<DomainEvent> handled = new CopyOnWriteArrayList<>();
    private int sequence;

    private static DomainEvent credit(String account, long version) {
        return new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(account, version), account, version,
                T0.plusSeconds(version), 100, 100 * version, null, null, null, null);
    }

    private StreamRecord record(String partitionKey, byte[] data) {
        return new StreamRecord("shardId-000000000000", Integer.toString(++sequence), partitionKey, data, T0);
    }

    private StreamRecord record(DomainEvent event) {
        return record(event.accountId(), DomainEventCodec.toJson(event));
    }

    private StreamRecord record(String partitionKey, String text) {
        return record(partitionKey, text.getBytes(StandardCharsets.UTF_8));
    }

    private Subscription perEvent(EventHandler handler) {
        return Subscription.perEvent("test", handler, Runnable::run, deadLetters, QUICK, CLOCK);
    }

    private static AwsServiceException awsError(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " says no").build()).build();
    }

    @Test
    void each_batch_writes_its_metrics_once_as_an_emf_line_and_each_handled_event_a_line_with_its_correlation_id()
            throws Exception {
        var subscription = perEvent(handled::add);
        var traced = new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(A, 2), A, 2, T0.plusSeconds(2), 100, 200,
                null, "req-2", "4bf92f3577b34da6a3ce929d0e0e4736", null);
        List<String> lines;
        try (var logs = CapturedLogs.start()) {
            subscription.process(List.of(record(credit(A, 1)), record(traced), record(B, "not json")));
            subscription.flushMetrics(); // nothing new: no second line
            lines = logs.lines();
        }

        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var emf = lines.stream().filter(line -> line.contains("\"_aws\"")).toList();
        assertThat(emf).hasSize(1);
        var metrics = json.readTree(emf.getFirst());
        assertThat(metrics.path("Service").asText()).isEqualTo("test");
        assertThat(metrics.path("service").asText()).as("the log field too").isEqualTo("test");
        assertThat(metrics.path("EventsHandled").asLong()).isEqualTo(2);
        assertThat(metrics.path("DeadLetters").asLong()).isEqualTo(1);
        assertThat(metrics.path("SubscriptionLag")).hasSize(2);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("handled BalanceCredited",
                "\"correlation_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"", "\"account_id\":\"" + A + "\"",
                "\"version\":\"2\"", "\"service\":\"test\""));
        assertThat(subscription.handled()).isEqualTo(2);
    }

    @Test
    void unreadable_records_are_parked_with_their_reason_and_the_readable_ones_handled_in_order() {
        var subscription = perEvent(handled::add);
        var records = List.of(
                record(credit(A, 1)),
                record(A, "\u0000\u00ff not json"),
                record(B, "{\"type\":\"AccountFrozen\",\"schemaVersion\":1}"),
                record(credit(A, 2)),
                record(B, "{\"type\":\"BalanceCredited\",\"schemaVersion\":9}"),
                record(credit(B, 1)));

        var outcome = subscription.process(records);

        assertThat(outcome).isEqualTo(new Subscription.Outcome(3, 3, 0));
        assertThat(handled).extracting(DomainEvent::accountId, DomainEvent::version)
                .containsExactly(tuple(A, 1L), tuple(A, 2L), tuple(B, 1L));
        assertThat(deadLetters.list("test")).extracting(d -> d.record().sequenceNumber(), DeadLetter::kind, DeadLetter::attempts)
                .containsExactly(tuple("2", DeadLetter.Kind.UNREADABLE, 0), tuple("3", DeadLetter.Kind.UNKNOWN_TYPE, 0),
                        tuple("5", DeadLetter.Kind.NEWER_SCHEMA_VERSION, 0));
        assertThat(deadLetters.list("test").get(1).reason()).contains("unknown event type AccountFrozen");
        assertThat(deadLetters.list("test").get(2).reason()).contains("schema version 9");
        assertThat(deadLetters.list("test").get(0).record().data()).isEqualTo(records.get(1).data());
    }

    @Test
    void an_event_the_handler_calls_poison_is_parked_at_once_and_the_rest_go_on() {
        var calls = new AtomicInteger();
        var subscription = perEvent(event -> {
            calls.incrementAndGet();
            if (event.version() == 2) {
                throw new PoisonEventException("version 2 of " + event.accountId() + " breaks rule X");
            }
            handled.add(event);
        });

        var outcome = subscription.process(List.of(record(credit(A, 1)), record(credit(A, 2)), record(credit(A, 3))));

        assertThat(outcome).isEqualTo(new Subscription.Outcome(2, 1, 0));
        assertThat(calls).hasValue(3);
        assertThat(handled).extracting(DomainEvent::version).containsExactly(1L, 3L);
        assertThat(deadLetters.list("test")).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
            assertThat(d.reason()).isEqualTo("version 2 of " + A + " breaks rule X");
            assertThat(d.attempts()).isEqualTo(1);
        });
    }

    @Test
    void a_failure_that_may_pass_is_tried_again_and_succeeds() {
        var failures = new AtomicInteger(2);
        var subscription = perEvent(event -> {
            if (failures.getAndDecrement() > 0) {
                throw awsError(503, "ServiceUnavailable");
            }
            handled.add(event);
        });

        var outcome = subscription.process(List.of(record(credit(A, 1))));

        assertThat(outcome).isEqualTo(new Subscription.Outcome(1, 0, 0));
        assertThat(subscription.retried()).isEqualTo(2);
        assertThat(deadLetters.list("test")).isEmpty();
    }

    @Test
    void a_failure_that_may_pass_but_does_not_is_parked_after_the_retry_limit() {
        var calls = new AtomicInteger();
        var subscription = perEvent(event -> {
            calls.incrementAndGet();
            throw awsError(400, "ProvisionedThroughputExceededException");
        });

        var outcome = subscription.process(List.of(record(credit(A, 1))));

        assertThat(outcome).isEqualTo(new Subscription.Outcome(0, 1, 0));
        assertThat(calls).hasValue(QUICK.maxAttempts());
        assertThat(deadLetters.list("test")).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeadLetter.Kind.RETRIES_EXHAUSTED);
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.reason()).startsWith("still failing after 3 attempts").contains("ProvisionedThroughputExceededException");
        });
    }

    @Test
    void a_failure_no_retry_changes_is_parked_at_once() {
        var calls = new AtomicInteger();
        var subscription = perEvent(event -> {
            calls.incrementAndGet();
            throw awsError(400, "AccessDeniedException");
        });

        subscription.process(List.of(record(credit(A, 1))));

        assertThat(calls).hasValue(1);
        assertThat(deadLetters.list("test")).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
            assertThat(d.reason()).startsWith("failed in a way no retry changes").contains("AccessDeniedException");
        });
    }

    @Test
    void each_accounts_events_keep_their_order_while_accounts_run_side_by_side() throws Exception {
        var seen = new CopyOnWriteArrayList<DomainEvent>();
        try (var pool = Executors.newFixedThreadPool(4)) {
            var subscription = Subscription.perEvent("test", seen::add, pool, deadLetters, QUICK, CLOCK);
            var records = new ArrayList<StreamRecord>();
            for (int v = 1; v <= 20; v++) {
                records.add(record(credit(A, v)));
                records.add(record(credit(B, v)));
            }

            subscription.process(records);
        }

        for (var account : List.of(A, B)) {
            assertThat(seen.stream().filter(e -> e.accountId().equals(account)).map(DomainEvent::version))
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        }
    }

    @Test
    void a_batch_handler_takes_the_readable_events_in_one_call_and_a_refused_batch_is_parked_event_by_event() {
        var calls = new ArrayList<List<DomainEvent>>();
        var ok = Subscription.batched("sink", calls::add, deadLetters, QUICK, CLOCK);

        ok.process(List.of(record(credit(A, 1)), record(A, "garbage"), record(credit(B, 1))));

        assertThat(calls).singleElement().satisfies(batch -> assertThat(batch).hasSize(2));
        var refusing = Subscription.batched("refusing", batch -> {
            throw awsError(400, "ResourceNotFoundException");
        }, deadLetters, QUICK, CLOCK);
        var outcome = refusing.process(List.of(record(credit(A, 2)), record(credit(B, 2))));
        assertThat(outcome).isEqualTo(new Subscription.Outcome(0, 2, 0));
        assertThat(deadLetters.list("refusing")).extracting(DeadLetter::kind)
                .containsExactly(DeadLetter.Kind.REJECTED, DeadLetter.Kind.REJECTED);
        assertThat(deadLetters.list("sink")).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.UNREADABLE);
    }

    @Test
    void when_a_record_can_be_neither_handled_nor_parked_the_batch_fails_so_that_nothing_is_checkpointed() {
        DeadLetterStore broken = new DeadLetterStore() {
            @Override
            public void park(DeadLetter deadLetter) {
                throw new IllegalStateException("dead-letter table unavailable");
            }

            @Override
            public List<DeadLetter> list(String subscription) {
                return List.of();
            }

            @Override
            public long count(String subscription) {
                return 0;
            }

            @Override
            public void redriven(DeadLetter letter, Instant at) {
            }

            @Override
            public List<DeadLetter> redriven(String subscription) {
                return List.of();
            }
        };
        var subscription = Subscription.perEvent("test", handled::add, Runnable::run, broken, QUICK, CLOCK);

        assertThatThrownBy(() -> subscription.process(List.of(record(credit(A, 1)), record(A, "garbage"))))
                .hasMessageContaining("dead-letter table unavailable");
    }

    @Test
    void events_failing_alike_not_by_their_own_fault_hold_the_batch_instead_of_emptying_the_stream_into_dead_letters() {
        var calls = new AtomicInteger();
        var accessDenied = new java.util.concurrent.atomic.AtomicBoolean(true);
        var subscription = perEvent(event -> {
            calls.incrementAndGet();
            if (accessDenied.get()) {
                throw awsError(400, "AccessDeniedException");
            }
            handled.add(event);
        });
        var records = new ArrayList<StreamRecord>();
        for (int v = 1; v <= 10; v++) {
            records.add(record(credit(A, v)));
        }

        assertThatThrownBy(() -> subscription.process(records)).isInstanceOf(SubscriptionHeldException.class)
                .hasMessageContaining(Subscription.OUTAGE_AFTER + " events in a row").hasMessageContaining("AccessDeniedException");
        assertThat(calls).hasValue(Subscription.OUTAGE_AFTER);
        assertThat(deadLetters.count("test")).isEqualTo(Subscription.OUTAGE_AFTER - 1);

        // still failing: held at once, nothing more parked; fixed: the batch goes through
        assertThatThrownBy(() -> subscription.process(records)).isInstanceOf(SubscriptionHeldException.class);
        assertThat(deadLetters.count("test")).isEqualTo(Subscription.OUTAGE_AFTER - 1);
        accessDenied.set(false);
        assertThat(subscription.process(records)).isEqualTo(new Subscription.Outcome(10, 0, 0));
    }

    @Test
    void an_interrupted_handler_holds_the_batch_and_parks_nothing() {
        // what the AWS SDK throws when the calling thread is interrupted mid-call
        var subscription = perEvent(event -> {
            throw software.amazon.awssdk.core.exception.AbortedException.builder()
                    .message("Thread was interrupted").cause(new InterruptedException()).build();
        });

        assertThatThrownBy(() -> subscription.process(List.of(record(credit(A, 1)))))
                .isInstanceOf(SubscriptionHeldException.class).hasMessageContaining("interrupted");
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(deadLetters.count("test")).isZero();
    }

    @Test
    void a_stopped_subscription_finishes_nothing_more() {
        var subscription = perEvent(handled::add);
        subscription.stop();

        assertThatThrownBy(() -> subscription.process(List.of(record(credit(A, 1)))))
                .isInstanceOf(SubscriptionHeldException.class).hasMessageContaining("stopping");
        assertThat(handled).isEmpty();
    }

    @Test
    void a_batch_handler_that_took_all_but_some_has_only_those_retried_alone_or_parked() {
        var sent = new CopyOnWriteArrayList<Long>();
        var flaky = new AtomicInteger();
        var subscription = Subscription.batched("test", events -> {
            var failures = new java.util.LinkedHashMap<DomainEvent, Exception>();
            for (var event : events) {
                if (event.version() == 2) {
                    failures.put(event, new PoisonEventException("version 2 can never be taken"));
                } else if (event.version() == 3 && flaky.getAndIncrement() == 0) {
                    failures.put(event, new RetryLaterException("the sink is busy", null));
                } else {
                    sent.add(event.version());
                }
            }
            if (!failures.isEmpty()) {
                throw new BatchItemFailuresException(failures);
            }
        }, deadLetters, QUICK, CLOCK);

        var outcome = subscription.process(List.of(record(credit(A, 1)), record(credit(A, 2)), record(credit(A, 3)),
                record(credit(A, 4))));

        assertThat(outcome).isEqualTo(new Subscription.Outcome(3, 1, 0));
        assertThat(sent).containsExactlyInAnyOrder(1L, 4L, 3L);
        assertThat(deadLetters.list("test")).singleElement().satisfies(letter -> {
            assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
            assertThat(letter.reason()).contains("version 2 can never be taken");
        });
        assertThat(subscription.handled()).isEqualTo(3);
        assertThat(subscription.retried()).isEqualTo(1);
    }

    @Test
    void a_batch_handler_naming_an_event_not_in_its_batch_fails_the_batch_rather_than_lose_anything() {
        var stranger = credit(B, 9);
        var subscription = Subscription.batched("test", events -> {
            throw new BatchItemFailuresException(java.util.Map.of(stranger, new PoisonEventException("?")));
        }, deadLetters, QUICK, CLOCK);

        var outcome = subscription.process(List.of(record(credit(A, 1)), record(credit(A, 2))));

        assertThat(outcome).isEqualTo(new Subscription.Outcome(0, 2, 0));
        assertThat(deadLetters.list("test")).allSatisfy(letter ->
                assertThat(letter.reason()).contains("an event not in the batch"));
        assertThat(subscription.handled()).isZero();
    }
}
