package dev.tally.cli;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(ReplaceUnderscores.class)
class TokenCommandTest {

    @Test
    void a_ttl_is_a_number_and_a_unit() {
        assertThat(TokenCommand.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TokenCommand.duration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(TokenCommand.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(TokenCommand.duration("2d")).isEqualTo(Duration.ofDays(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "h", "0h", "-1h", "1y", "1.5h", "99999999999999d", "one hour"})
    void anything_else_is_refused_naming_the_value(String ttl) {
        assertThatThrownBy(() -> TokenCommand.duration(ttl)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ttl must be a positive number followed by s, m, h or d, was " + ttl);
    }
}
