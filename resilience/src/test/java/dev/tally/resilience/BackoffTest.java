package dev.tally.resilience;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(ReplaceUnderscores.class)
class BackoffTest {

    private final Backoff backoff = new Backoff(6, Duration.ofMillis(50), Duration.ofSeconds(2));

    @Test
    void the_ceiling_doubles_from_the_base_up_to_the_cap() {
        assertThat(backoff.ceilingAfter(1)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.ceilingAfter(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceilingAfter(5)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.ceilingAfter(7)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceilingAfter(10_000)).as("no overflow").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void pauses_are_spread_over_the_whole_range_below_the_ceiling() {
        var random = new SplittableRandom(7);
        long below = 0;
        long above = 0;
        for (int i = 0; i < 10_000; i++) {
            var delay = backoff.delayAfter(3, random);
            assertThat(delay).isBetween(Duration.ZERO, Duration.ofMillis(200));
            if (delay.compareTo(Duration.ofMillis(100)) < 0) {
                below++;
            } else {
                above++;
            }
        }
        assertThat(below).as("full jitter: as many in the lower half as in the upper").isBetween(4_500L, 5_500L);
        assertThat(above).isBetween(4_500L, 5_500L);
    }

    @Test
    void attempts_are_bounded() {
        assertThat(backoff.allowsAttemptAfter(5)).isTrue();
        assertThat(backoff.allowsAttemptAfter(6)).isFalse();
        assertThatThrownBy(() -> new Backoff(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> new Backoff(3, Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("base <= cap");
    }

    @Test
    void an_immediate_first_retry_then_full_jitter_one_step_behind() {
        var pacer = backoff.with(Backoff.Jitter.IMMEDIATE_THEN_FULL).pacer(new SplittableRandom(3));
        assertThat(pacer.delayAfter(1)).isEqualTo(Duration.ZERO);
        for (int i = 0; i < 1_000; i++) {
            assertThat(pacer.delayAfter(3)).isBetween(Duration.ZERO, backoff.ceilingAfter(2));
        }
    }

    @Test
    void decorrelated_pauses_stay_between_the_base_and_three_times_the_last_and_under_the_cap() {
        var pacer = backoff.with(Backoff.Jitter.DECORRELATED).pacer(new SplittableRandom(5));
        var last = backoff.base();
        for (int attempt = 1; attempt < 200; attempt++) {
            var delay = pacer.delayAfter(attempt);
            assertThat(delay).isBetween(backoff.base(), backoff.cap());
            assertThat(delay).isLessThanOrEqualTo(last.multipliedBy(3));
            last = delay;
        }
    }
}
