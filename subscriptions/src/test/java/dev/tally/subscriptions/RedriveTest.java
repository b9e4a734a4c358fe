package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.resilience.Backoff;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Given parked records, when the fix is in and they are redriven, then they are handled and kept on record. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class RedriveTest {

    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void once_the_handler_is_fixed_redriven_letters_are_handled_in_order_and_kept_as_redriven_and_the_rest_stay() {
        var deadLetters = new InMemoryDeadLetterStore();
        var handled = new CopyOnWriteArrayList<Long>();
        var broken = new AtomicBoolean(true);
        var subscription = Subscription.perEvent("test", event -> {
            if (broken.get() && event.version() < 3) {
                throw new PoisonEventException("rule X is not deployed yet");
            }
            handled.add(event.version());
        }, Runnable::run, deadLetters, new Backoff(1, Duration.ZERO, Duration.ZERO), CLOCK);
        subscription.process(List.of(record(1, credit(1)), record(2, credit(2)), record(3, credit(3)),
                record(4, "garbage".getBytes(StandardCharsets.UTF_8))));
        assertThat(deadLetters.count("test")).isEqualTo(3);

        broken.set(false);
        var lines = new CopyOnWriteArrayList<String>();
        var result = Redrive.run(subscription, deadLetters, CLOCK, lines::add);

        assertThat(result).isEqualTo(new Redrive.Result(2, 1));
        assertThat(handled).containsExactly(3L, 1L, 2L);
        assertThat(deadLetters.list("test")).singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(DeadLetter.Kind.UNREADABLE));
        assertThat(deadLetters.redriven("test")).extracting(d -> d.record().sequenceNumber()).containsExactly("1", "2");
        assertThat(lines).containsExactly("redriven shardId-000000000000/1 (was REJECTED)",
                "redriven shardId-000000000000/2 (was REJECTED)", "still parked shardId-000000000000/4");
    }

    @Test
    void an_in_order_account_held_behind_a_parked_event_goes_on_once_the_redrive_handles_it() {
        var deadLetters = new InMemoryDeadLetterStore();
        var positions = new InMemoryPositionStore();
        var handled = new CopyOnWriteArrayList<Long>();
        var broken = new AtomicBoolean(true);
        var subscription = Subscription.perEventInOrder("test", event -> {
            if (broken.get() && event.version() == 2) {
                throw new PoisonEventException("rule X is not deployed yet");
            }
            handled.add(event.version());
        }, Runnable::run, positions, new GapPolicy.Park(), deadLetters, new Backoff(1, Duration.ZERO, Duration.ZERO),
                CLOCK);
        subscription.process(List.of(record(1, credit(1)), record(2, credit(2)), record(3, credit(3))));
        assertThat(deadLetters.list("test")).extracting(DeadLetter::kind)
                .containsExactly(DeadLetter.Kind.REJECTED, DeadLetter.Kind.HELD_BEHIND);
        subscription.process(List.of(record(4, credit(4))));
        assertThat(positions.position(A).heldBehind()).contains("shardId-000000000000/2");

        broken.set(false);
        var result = Redrive.run(subscription, deadLetters, CLOCK, line -> { });
        subscription.process(List.of(record(5, credit(5))));

        assertThat(result).isEqualTo(new Redrive.Result(3, 0));
        assertThat(handled).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(positions.position(A)).isEqualTo(new PositionStore.Position(5, java.util.Optional.empty()));
        assertThat(deadLetters.list("test")).isEmpty();
    }

    private static byte[] credit(long version) {
        return DomainEventCodec.toJson(new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(A, version), A, version,
                Instant.EPOCH, 100, 100 * version, null, null, null, null));
    }

    private static StreamRecord record(long sequence, byte[] data) {
        return new StreamRecord("shardId-000000000000", Long.toString(sequence), A, data, Instant.EPOCH);
    }
}
