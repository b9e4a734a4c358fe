package dev.tally.domain;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(ReplaceUnderscores.class)
class MoneyTest {

    @ParameterizedTest
    @CsvSource({"100,10000", "100.00,10000", "30.5,3050", "0.01,1", "0.5,50", "1000000000.00,100000000000"})
    void valid_amounts_parse_to_exact_minor_units(String text, long minor) {
        assertThat(Money.parseAmount(text).minorUnits()).isEqualTo(minor);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-5|amount must be positive, was -5",
            "0|amount must be greater than zero, was 0",
            "0.00|amount must be greater than zero, was 0.00",
            "1.001|amount must have at most 2 decimal places, was 1.001",
            "12.340|amount must have at most 2 decimal places, was 12.340",
            "abc|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was abc",
            "NaN|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was NaN",
            "Infinity|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was Infinity",
            "1000000000.01|amount must not exceed 1000000000.00, was 1000000000.01",
            "10000000000000|amount must not exceed 1000000000.00, was 10000000000000",
            "1e999999999|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 1e999999999",
            "0x10|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 0x10",
            "+5|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was +5",
            "05|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 05",
            "5.|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 5.",
            ".5|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was .5",
            "1E2|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 1E2",
            "0.1e1|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was 0.1e1",
            "١٠٠|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was ١٠٠",
            "１０|amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 (no sign, exponent, spaces or leading zeros), was １０"})
    void invalid_amounts_are_refused_with_a_message_naming_the_value(String text, String message) {
        assertThatThrownBy(() -> Money.parseAmount(text))
                .isInstanceOf(InvalidAmountException.class)
                .hasMessage(message)
                .extracting(e -> ((InvalidAmountException) e).value()).isEqualTo(text);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {" 5", "5 ", "\t5", "5\n"})
    void whitespace_around_an_amount_is_refused(String text) {
        assertThatThrownBy(() -> Money.parseAmount(text)).isInstanceOf(InvalidAmountException.class)
                .hasMessageStartingWith("amount must be ASCII digits");
    }

    @Test
    void a_very_long_well_formed_amount_is_refused_as_too_large() {
        var huge = "1" + "0".repeat(45);
        assertThatThrownBy(() -> Money.parseAmount(huge)).hasMessage("amount must not exceed 1000000000.00, was " + huge);
    }

    @Test
    void a_missing_amount_is_refused() {
        assertThatThrownBy(() -> Money.parseAmount(null)).hasMessage("amount is required, was null");
    }

    @Test
    void arithmetic_refuses_to_overflow() {
        assertThatThrownBy(() -> Money.ofMinor(Long.MAX_VALUE).plus(Money.ofMinor(1)))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofMinor(Long.MIN_VALUE).minus(Money.ofMinor(1)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void shows_exactly_two_decimal_places() {
        assertThat(Money.ofMinor(6950)).hasToString("69.50");
        assertThat(Money.ofMinor(5)).hasToString("0.05");
        assertThat(Money.ofMinor(-5)).hasToString("-0.05");
        assertThat(Money.ZERO).hasToString("0.00");
    }

    @Test
    void account_ids_must_be_canonical_uuids() {
        assertThat(AccountId.parse("3f2b8c1e-0000-4000-8000-000000000001")).hasToString("3f2b8c1e-0000-4000-8000-000000000001");
        assertThatThrownBy(() -> AccountId.parse("1-2-3-4-5")).hasMessage("account id must be a UUID, was 1-2-3-4-5");
        assertThatThrownBy(() -> AccountId.parse("not-a-uuid")).hasMessageContaining("not-a-uuid");
    }
}
