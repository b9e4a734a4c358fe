package dev.tally.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Bounded exponential backoff with full jitter: after {@code n} tries, wait a random time between zero and
 * {@code min(cap, base * 2^(n-1))} (so the first pause is at most {@code base}), and give up after
 * {@code maxAttempts} tries. Full jitter spreads contenders out instead
 * of letting them collide again in step
 * (<a href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">Exponential Backoff And
 * Jitter</a>).
 *
 * @param maxAttempts how many tries in all, the first included
 * @param base        the ceiling of the first pause
 * @param cap         the ceiling of every pause
 */
public record Backoff(int maxAttempts, Duration base, Duration cap) {

    /** 2^30 times any sensible base is far beyond any sensible cap. */
    private static final int MAX_DOUBLINGS = 30;

    public Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (base.isNegative() || cap.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap, was base " + base + ", cap " + cap);
        }
    }

    /** Whether another try is allowed after {@code attempt} tries. */
    public boolean allowsAttemptAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The ceiling of the pause after {@code attempt} tries (1 for the first): {@code min(cap, base * 2^(attempt-1))}. */
    public Duration ceilingAfter(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), MAX_DOUBLINGS);
        long nanos = base.toNanos();
        long ceiling = nanos > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : nanos << doublings;
        return Duration.ofNanos(Math.min(cap.toNanos(), ceiling));
    }

    /** A pause after {@code attempt} tries: uniform in {@code [0, ceilingAfter(attempt)]}. */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        return Duration.ofNanos(random.nextLong(ceilingAfter(attempt).toNanos() + 1));
    }

    /**
     * Sleeps before the next try.
     *
     * @throws InterruptedException if interrupted; the caller stops retrying
     */
    public void pauseAfter(int attempt) throws InterruptedException {
        Thread.sleep(delayAfter(attempt, ThreadLocalRandom.current()));
    }
}
