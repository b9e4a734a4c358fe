package dev.tally.domain;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(ReplaceUnderscores.class)
class EventTypeTest {

    @Test
    void the_stored_names_are_the_published_ones_and_never_change() {
        // These strings are in every stored item, published record and lake row: changing one is a data migration.
        assertThat(Arrays.stream(EventType.values()).map(EventType::typeName))
                .containsExactly("AccountCreated", "BalanceCredited", "BalanceWithdrawn");
    }

    @Test
    void every_name_reads_back_as_its_type_and_unknown_names_as_nothing() {
        for (var type : EventType.values()) {
            assertThat(EventType.named(type.typeName())).contains(type);
        }
        assertThat(EventType.named("BalanceFrozen")).isEmpty();
        assertThat(EventType.named("accountcreated")).as("names are case-sensitive").isEmpty();
    }

    @Test
    void each_event_of_the_write_model_has_its_type() {
        var id = AccountId.parse("0a000000-0000-4000-8000-000000000001");
        var at = Instant.parse("2026-11-26T10:00:00Z");
        assertThat(EventType.of(new AccountEvent.AccountCreated(id, new Principal("https://id.example.com/", "ada"), "Ada", at))).isEqualTo(EventType.ACCOUNT_CREATED);
        assertThat(EventType.of(new AccountEvent.BalanceCredited(id, Money.ofMinor(1), at))).isEqualTo(EventType.BALANCE_CREDITED);
        assertThat(EventType.of(new AccountEvent.BalanceWithdrawn(id, Money.ofMinor(1), at))).isEqualTo(EventType.BALANCE_WITHDRAWN);
    }
}
