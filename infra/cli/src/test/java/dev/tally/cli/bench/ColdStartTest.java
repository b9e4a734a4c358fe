package dev.tally.cli.bench;

import dev.tally.emulators.TallyHome;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The B7 measurement runs end to end on the shaded jar; its figures are sane. No timing target is asserted. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class ColdStartTest {

    @Test
    void one_fresh_jvm_answers_a_credit_from_the_shaded_jar_and_a_primed_handler_answers_too() throws Exception {
        var jar = TallyHome.locate().resolve(ColdStart.ACCOUNTS_API_JAR);

        var figures = ColdStart.measure(jar, 1);

        assertThat(figures.handler()).isEqualTo("dev.tally.accountsapi.CreditHandler");
        assertThat(figures.freshJvmMillis()).hasSize(1).allMatch(ms -> ms > 0);
        assertThat(figures.freshJvmMedian()).isEqualTo(figures.freshJvmMin()).isEqualTo(figures.freshJvmMax())
                .isEqualTo(figures.freshJvmMillis().getFirst());
        assertThat(figures.primedMillis()).isNotNegative().isLessThan(figures.freshJvmMedian());
        assertThat(figures.jarBytes()).isEqualTo(Files.size(jar));
    }
}
