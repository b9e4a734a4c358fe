package dev.tally.cli.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** One figure measured over several runs: what the report prints is its median, with the min–max range beside it. */
record Sample(List<Double> values) {

    Sample {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a sample needs at least one value");
        }
        values = List.copyOf(values);
    }

    static Sample of(double... values) {
        return new Sample(Arrays.stream(values).boxed().toList());
    }

    double median() {
        var sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** {@code median (min–max)} with {@code decimals} places; a single run prints its value alone. */
    String format(int decimals) {
        var pattern = "%." + decimals + "f";
        var median = String.format(Locale.ROOT, pattern, median());
        if (values.size() == 1) {
            return median;
        }
        return median + " (" + String.format(Locale.ROOT, pattern, min()) + "–" + String.format(Locale.ROOT, pattern, max()) + ")";
    }
}
