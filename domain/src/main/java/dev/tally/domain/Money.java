package dev.tally.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * An exact amount of money in integer minor units (cents). Never a float or a double.
 *
 * <p>Arithmetic is overflow-checked: {@link #plus} and {@link #minus} throw {@link ArithmeticException}
 * rather than wrap around, so a balance can never silently change sign.
 */
public record Money(long minorUnits) implements Comparable<Money> {

    public static final Money ZERO = new Money(0);

    /** The largest amount one command may move: 1,000,000,000.00. */
    public static final Money MAX_PER_COMMAND = new Money(100_000_000_000L);

    private static final int SCALE = 2;
    /** Longer inputs are refused before any regular expression runs; a valid amount has at most 13 characters. */
    private static final int MAX_INPUT_LENGTH = 40;
    /** {@code [0-9]} is ASCII only in Java's regular expressions (no UNICODE_CHARACTER_CLASS). */
    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]{1,2})?");
    private static final Pattern TOO_MANY_DECIMALS = Pattern.compile("(0|[1-9][0-9]*)\\.[0-9]{3,}");

    public static Money ofMinor(long minorUnits) {
        return new Money(minorUnits);
    }

    /**
     * Parses the amount of a command, strictly: ASCII digits with at most two decimal places
     * ({@code (0|[1-9][0-9]*)(\.[0-9]{1,2})?}; no sign, exponent, whitespace, leading zero or other digits), greater
     * than zero and at most {@link #MAX_PER_COMMAND}. The text is what the client sent, as a JSON number or string,
     * so that every accepted amount has exactly one spelling rule.
     *
     * @throws InvalidAmountException naming the value and the rule it broke; the caller should answer 400
     */
    public static Money parseAmount(String text) {
        if (text == null) {
            throw new InvalidAmountException("null", "amount is required");
        }
        boolean grammatical = AMOUNT.matcher(text).matches();
        if (text.length() > MAX_INPUT_LENGTH && grammatical) {
            throw new InvalidAmountException(text, "amount must not exceed " + MAX_PER_COMMAND);
        }
        if (text.length() > MAX_INPUT_LENGTH || !grammatical) {
            if (text.startsWith("-") && text.length() > 1 && AMOUNT.matcher(text.substring(1)).matches()) {
                throw new InvalidAmountException(text, "amount must be positive");
            }
            if (TOO_MANY_DECIMALS.matcher(text).matches()) {
                throw new InvalidAmountException(text, "amount must have at most 2 decimal places");
            }
            throw new InvalidAmountException(text, "amount must be ASCII digits with at most 2 decimal places, like 12 or 12.50 "
                    + "(no sign, exponent, spaces or leading zeros)");
        }
        var decimal = new BigDecimal(text);
        if (decimal.signum() == 0) {
            throw new InvalidAmountException(text, "amount must be greater than zero");
        }
        if (decimal.compareTo(MAX_PER_COMMAND.toBigDecimal()) > 0) {
            throw new InvalidAmountException(text, "amount must not exceed " + MAX_PER_COMMAND);
        }
        return new Money(decimal.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact());
    }

    /** @throws ArithmeticException if the sum does not fit in a long */
    public Money plus(Money other) {
        return new Money(Math.addExact(minorUnits, other.minorUnits));
    }

    /** @throws ArithmeticException if the difference does not fit in a long */
    public Money minus(Money other) {
        return new Money(Math.subtractExact(minorUnits, other.minorUnits));
    }

    public boolean isLessThan(Money other) {
        return minorUnits < other.minorUnits;
    }

    public boolean isNegative() {
        return minorUnits < 0;
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(minorUnits, SCALE);
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(minorUnits, other.minorUnits);
    }

    /** The decimal form with exactly two places, as the API shows it: "69.50", "-0.05". */
    @Override
    public String toString() {
        return toBigDecimal().toPlainString();
    }
}
