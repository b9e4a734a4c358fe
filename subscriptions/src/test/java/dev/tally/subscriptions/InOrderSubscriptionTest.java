package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;
import dev.tally.subscriptions.testing.SubscriptionFixture;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** An in-order subscription, through the kit's own fixture: exactly once per (account, version), in version order. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class InOrderSubscriptionTest {

    private static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
    private static final String B = "bbbbbbbb-0000-4000-8000-000000000002";

    private final List<DomainEvent> effects = new CopyOnWriteArrayList<>();

    private static DomainEvent credit(String account, long version) {
        return new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(account, version), account, version,
                Instant.parse("2026-12-05T09:00:00Z").plusSeconds(version), 100, 100 * version, null, null, null, null);
    }

    private List<Long> versionsOf(String account) {
        return effects.stream().filter(e -> e.accountId().equals(account)).map(DomainEvent::version).toList();
    }

    @Test
    void duplicates_and_reordering_within_and_across_batches_reach_the_handler_once_in_order() {
        var fixture = SubscriptionFixture.inOrder(effects::add);

        var first = fixture.when(credit(A, 2), credit(A, 1), credit(A, 1), credit(B, 1));
        var second = fixture.when(credit(A, 2), credit(A, 3), credit(B, 1));

        assertThat(versionsOf(A)).containsExactly(1L, 2L, 3L);
        assertThat(versionsOf(B)).containsExactly(1L);
        assertThat(first).isEqualTo(new Subscription.Outcome(3, 0, 1));
        assertThat(second).isEqualTo(new Subscription.Outcome(1, 0, 2));
        assertThat(fixture.position(A)).isEqualTo(new PositionStore.Position(3, Optional.empty()));
    }

    @Test
    void given_a_position_what_is_at_or_below_it_is_not_handed_over_again() {
        var fixture = SubscriptionFixture.inOrder(effects::add).given(A, 5);

        fixture.when(credit(A, 4), credit(A, 5), credit(A, 6));

        assertThat(versionsOf(A)).containsExactly(6L);
    }

    @Test
    void a_gap_is_parked_and_the_accounts_later_events_wait_behind_it_while_other_accounts_go_on() {
        var fixture = SubscriptionFixture.inOrder(effects::add);

        fixture.when(credit(A, 1), credit(A, 3), credit(A, 4), credit(B, 1));
        var later = fixture.when(credit(A, 1), credit(A, 5), credit(B, 2));

        assertThat(later).as("a duplicate of a held account is still just a duplicate").isEqualTo(new Subscription.Outcome(1, 1, 1));

        assertThat(versionsOf(A)).containsExactly(1L);
        assertThat(versionsOf(B)).containsExactly(1L, 2L);
        assertThat(fixture.deadLetters()).extracting(d -> d.record().sequenceNumber(), DeadLetter::kind).containsExactly(
                tuple("2", DeadLetter.Kind.GAP), tuple("3", DeadLetter.Kind.HELD_BEHIND), tuple("6", DeadLetter.Kind.HELD_BEHIND));
        assertThat(fixture.deadLetters().getFirst().reason())
                .isEqualTo("versions 2 to 2 of account " + A + " are missing before version 3");
        assertThat(fixture.position(A).heldBehind()).contains("shardId-000000000000/2");
    }

    @Test
    void the_missing_version_arriving_later_fills_the_gap_and_a_copy_of_the_held_event_lets_the_account_go_on() {
        var fixture = SubscriptionFixture.inOrder(effects::add);
        fixture.when(credit(A, 1), credit(A, 3), credit(A, 4));

        // version 2 arrives late (a lagging lake, a slow shard): it comes before the held event, so it is handled;
        // then version 3 arrives again from another position (the stream after a replay): the account goes on
        fixture.when(credit(A, 2));
        fixture.when(credit(A, 3), credit(A, 4), credit(A, 5));

        assertThat(versionsOf(A)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(fixture.position(A)).isEqualTo(new PositionStore.Position(5, Optional.empty()));
        // what was parked while the account was held stays parked until a redrive, where it is a duplicate
        assertThat(fixture.deadLetters()).extracting(DeadLetter::kind)
                .containsExactly(DeadLetter.Kind.GAP, DeadLetter.Kind.HELD_BEHIND);
    }

    @Test
    void a_second_copy_of_an_event_parked_in_the_same_batch_is_not_tried_again() {
        var tries = new java.util.concurrent.atomic.AtomicInteger();
        var fixture = SubscriptionFixture.inOrder(event -> {
            if (event.version() == 2) {
                tries.incrementAndGet();
                throw new PoisonEventException("no");
            }
            effects.add(event);
        });

        var outcome = fixture.when(credit(A, 1), credit(A, 2), credit(A, 2));

        assertThat(tries).hasValue(1);
        assertThat(outcome).isEqualTo(new Subscription.Outcome(1, 1, 1));
        assertThat(fixture.deadLetters()).hasSize(1);
    }

    @Test
    void an_event_the_handler_refuses_holds_its_account_back_so_the_handler_never_sees_it_out_of_order() {
        var fixture = SubscriptionFixture.inOrder(event -> {
            if (event.version() == 2) {
                throw new PoisonEventException("version 2 breaks the rule");
            }
            effects.add(event);
        });

        fixture.when(credit(A, 1), credit(A, 2), credit(A, 3));

        assertThat(versionsOf(A)).containsExactly(1L);
        assertThat(fixture.deadLetters()).extracting(DeadLetter::kind)
                .containsExactly(DeadLetter.Kind.REJECTED, DeadLetter.Kind.HELD_BEHIND);
        assertThat(fixture.position(A).version()).isEqualTo(1);
    }

    @Test
    void a_gap_can_be_filled_from_tally_before_the_event_that_revealed_it() {
        var fixture = SubscriptionFixture.inOrder(effects::add)
                .withGaps(new GapPolicy.Fetch((account, after, upTo) -> java.util.stream.LongStream
                        .rangeClosed(after + 1, upTo).mapToObj(v -> credit(account, v)).toList()));

        var outcome = fixture.when(credit(A, 1), credit(A, 4));

        assertThat(versionsOf(A)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(outcome).isEqualTo(new Subscription.Outcome(4, 0, 0));
        assertThat(fixture.deadLetters()).isEmpty();
    }

    @Test
    void a_gap_tally_cannot_fill_is_parked_saying_how_far_it_got() {
        var fixture = SubscriptionFixture.inOrder(effects::add)
                .withGaps(new GapPolicy.Fetch((account, after, upTo) -> List.of(credit(account, after + 1))));

        fixture.when(credit(A, 1), credit(A, 4));

        assertThat(versionsOf(A)).containsExactly(1L, 2L);
        assertThat(fixture.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeadLetter.Kind.GAP);
            assertThat(d.reason()).endsWith("fetched up to version 2");
        });
    }

    @Test
    void waiting_for_a_gap_delivers_the_batch_again_a_bounded_number_of_times_then_parks() {
        var positions = new InMemoryPositionStore();
        var deadLetters = new InMemoryDeadLetterStore();
        var subscription = Subscription.perEventInOrder("wait", effects::add, Runnable::run, positions,
                new GapPolicy.Wait(2), deadLetters, new dev.tally.resilience.Backoff(1, java.time.Duration.ZERO,
                        java.time.Duration.ZERO), java.time.Clock.systemUTC());
        positions.advance(A, 0, 1);
        // the same record, as the KCL worker delivers a held batch again
        var gapped = List.of(new StreamRecord("shardId-000000000000", "7", A,
                dev.tally.contracts.DomainEventCodec.toJson(credit(A, 3)), Instant.EPOCH));

        for (int delivery = 1; delivery <= 2; delivery++) {
            assertThatThrownBy(() -> subscription.process(gapped)).isInstanceOf(SubscriptionHeldException.class)
                    .hasMessageContaining("waiting for them");
        }
        var third = subscription.process(gapped);

        assertThat(third).isEqualTo(new Subscription.Outcome(0, 1, 0));
        assertThat(deadLetters.list("wait")).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DeadLetter.Kind.GAP);
            assertThat(d.reason()).endsWith("after 2 waits");
        });
        assertThat(effects).isEmpty();
    }

    @Test
    void records_no_reader_can_read_are_parked_and_the_account_goes_on_if_no_version_is_missing() {
        var fixture = SubscriptionFixture.inOrder(effects::add);

        fixture.when(credit(A, 1), "{\"type\":\"AccountFrozen\",\"schemaVersion\":1}", credit(A, 2));

        assertThat(versionsOf(A)).containsExactly(1L, 2L);
        assertThat(fixture.deadLetters()).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.UNKNOWN_TYPE);
    }
}
