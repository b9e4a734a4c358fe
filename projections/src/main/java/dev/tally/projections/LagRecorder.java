package dev.tally.projections;

import java.util.Arrays;

/**
 * The lag of applied events (apply time minus occurredAt), over the most recent {@value #WINDOW} samples, with
 * percentiles computed on demand.
 */
public final class LagRecorder {

    static final int WINDOW = 10_000;

    private final long[] samples = new long[WINDOW];
    private long count;

    public synchronized void record(long lagMillis) {
        samples[(int) (count % WINDOW)] = lagMillis;
        count++;
    }

    public synchronized long count() {
        return count;
    }

    /** The {@code percentile} (0 to 100) of the window, or 0 with no samples. */
    public synchronized long percentile(double percentile) {
        int size = (int) Math.min(count, WINDOW);
        if (size == 0) {
            return 0;
        }
        var sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))];
    }
}
