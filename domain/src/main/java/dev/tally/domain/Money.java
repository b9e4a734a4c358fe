package dev.tally.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

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
    /** Longer inputs cannot be valid amounts; refusing them early keeps BigDecimal parsing cheap. */
    private static final int MAX_INPUT_LENGTH = 40;

    public static Money ofMinor(long minorUnits) {
        return new Money(minorUnits);
    }

    /**
     * Parses the amount of a command: a plain decimal with at most two decimal places, greater than zero and at
     * most {@link #MAX_PER_COMMAND}. The text is what the client sent, as a JSON number or string.
     *
     * @throws InvalidAmountException naming the value and the rule it broke; the caller should answer 400
     */
    public static Money parseAmount(String text) {
        if (text == null) {
            throw new InvalidAmountException("null", "amount is required");
        }
        var trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_INPUT_LENGTH) {
            throw new InvalidAmountException(text, "amount must be a decimal number with at most 2 decimal places");
        }
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(trimmed);
        } catch (NumberFormatException e) {
            throw new InvalidAmountException(text, "amount must be a decimal number with at most 2 decimal places");
        }
        if (decimal.signum() < 0) {
            throw new InvalidAmountException(text, "amount must be positive");
        }
        if (decimal.signum() == 0) {
            throw new InvalidAmountException(text, "amount must be greater than zero");
        }
        var normalized = decimal.stripTrailingZeros();
        if (normalized.scale() > SCALE) {
            throw new InvalidAmountException(text, "amount must have at most 2 decimal places");
        }
        // precision - scale = digits before the point; checked before setScale so "1e999999" stays cheap.
        if (normalized.precision() - normalized.scale() > 12 || normalized.compareTo(MAX_PER_COMMAND.toBigDecimal()) > 0) {
            throw new InvalidAmountException(text, "amount must not exceed " + MAX_PER_COMMAND);
        }
        return new Money(normalized.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact());
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
