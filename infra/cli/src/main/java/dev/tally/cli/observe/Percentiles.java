package dev.tally.cli.observe;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles: the one way {@code ./tally metrics} and {@code ./tally bench} summarise observations. */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code percentile}th of {@code values} in any order; NaN if there are none. */
    public static double of(List<? extends Number> values, double percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        var sorted = values.stream().mapToLong(Number::longValue).toArray();
        Arrays.sort(sorted);
        return ofSorted(sorted, percentile);
    }

    /** The {@code percentile}th of {@code sorted}, which is in ascending order and not empty. */
    public static long ofSorted(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
