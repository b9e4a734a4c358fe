package dev.tally.projections;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The lag of applied events (apply time minus occurredAt) over the last {@link #WINDOW}, with percentiles computed
 * on demand: recent behaviour, not the start-up wait of an hour ago.
 */
public final class LagRecorder {

    static final Duration WINDOW = Duration.ofSeconds(60);
    private static final int MAX_SAMPLES = 200_000;

    private final Clock clock;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long total;

    public LagRecorder(Clock clock) {
        this.clock = clock;
    }

    public synchronized void record(long lagMillis) {
        samples.addLast(new long[]{clock.millis(), lagMillis});
        total++;
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** Samples ever recorded. */
    public synchronized long total() {
        return total;
    }

    /** Samples in the window. */
    public synchronized int count() {
        expire();
        return samples.size();
    }

    /** The {@code percentile} (0 to 100) over the window, or 0 with no samples. */
    public synchronized long percentile(double percentile) {
        expire();
        if (samples.isEmpty()) {
            return 0;
        }
        var sorted = samples.stream().mapToLong(s -> s[1]).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private void expire() {
        long horizon = clock.millis() - WINDOW.toMillis();
        while (!samples.isEmpty() && samples.peekFirst()[0] < horizon) {
            samples.removeFirst();
        }
    }
}
