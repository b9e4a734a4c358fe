package dev.tally.cli.bench;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(ReplaceUnderscores.class)
class ClosedLoopTest {

    @Test
    void two_rates_are_steady_within_a_tenth_of_the_larger() {
        assertThat(ClosedLoop.steady(100, 109)).isTrue();
        assertThat(ClosedLoop.steady(109, 100)).isTrue();
        assertThat(ClosedLoop.steady(100, 112)).isFalse();
        assertThat(ClosedLoop.steady(112, 100)).isFalse();
    }

    @Test
    void every_command_is_sent_once_by_the_clients_together() throws Exception {
        var sent = new AtomicInteger();

        var result = ClosedLoop.run(250, 8, i -> sent.incrementAndGet() % 5 != 0);

        assertThat(sent).hasValue(250);
        assertThat(result.commands()).isEqualTo(250);
        assertThat(result.applied()).isEqualTo(200);
    }
}
