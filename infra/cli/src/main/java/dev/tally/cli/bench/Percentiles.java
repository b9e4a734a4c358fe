package dev.tally.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a list of observations. */
final class Percentiles {

    private Percentiles() {
    }

    static double of(List<? extends Number> values, double percentile) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        var sorted = values.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
