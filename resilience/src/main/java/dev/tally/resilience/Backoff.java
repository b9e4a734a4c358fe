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
public record Backoff(int maxAttempts, Duration base, Duration cap, Jitter jitter) {

    /**
     * How the pauses are drawn. Each suits a different contention: full jitter spreads a crowd out; an immediate
     * first retry suits a loser who can catch up at once (the winner is done); decorrelated jitter (each pause
     * between the base and three times the last) grows more slowly and keeps fewer contenders waiting long.
     */
    public enum Jitter {
        /** Uniform in {@code [0, ceilingAfter(attempt)]}. */
        FULL,
        /** No pause after the first try, then {@link #FULL} one step behind. */
        IMMEDIATE_THEN_FULL,
        /** Uniform in {@code [base, 3 × the last pause]}, capped; the first is from {@code [base, 3 × base]}. */
        DECORRELATED
    }

    /** Full jitter, the default. */
    public Backoff(int maxAttempts, Duration base, Duration cap) {
        this(maxAttempts, base, cap, Jitter.FULL);
    }

    public Backoff with(Jitter other) {
        return new Backoff(maxAttempts, base, cap, other);
    }

    /** The pauses of one operation's retries, drawn as {@link #jitter} says; it remembers the last pause. */
    public final class Pacer {
        private final RandomGenerator random;
        private Duration last = base;

        private Pacer(RandomGenerator random) {
            this.random = random;
        }

        /** The pause after {@code attempt} tries (1 for the first). */
        public Duration delayAfter(int attempt) {
            last = switch (jitter) {
                case FULL -> Backoff.this.delayAfter(attempt, random);
                case IMMEDIATE_THEN_FULL -> attempt <= 1 ? Duration.ZERO : Backoff.this.delayAfter(attempt - 1, random);
                case DECORRELATED -> {
                    long low = base.toNanos();
                    long high = Math.min(cap.toNanos(), 3 * Math.max(last.toNanos(), low));
                    yield Duration.ofNanos(high > low ? low + random.nextLong(high - low + 1) : low);
                }
            };
            return last;
        }

        /**
         * Sleeps before the next try.
         *
         * @throws InterruptedException if interrupted; the caller stops retrying
         */
        public void pauseAfter(int attempt) throws InterruptedException {
            Thread.sleep(delayAfter(attempt));
        }
    }

    /** A pacer for one operation: needed for {@link Jitter#DECORRELATED}, which depends on the last pause. */
    public Pacer pacer(RandomGenerator random) {
        return new Pacer(random);
    }

    /** 2^30 times any sensible base is far beyond any sensible cap. */
    private static final int MAX_DOUBLINGS = 30;

    public Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (base.isNegative() || cap.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap, was base " + base + ", cap " + cap);
        }
        java.util.Objects.requireNonNull(jitter, "jitter");
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

    /** A full-jitter pause after {@code attempt} tries: uniform in {@code [0, ceilingAfter(attempt)]}. */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        return Duration.ofNanos(random.nextLong(ceilingAfter(attempt).toNanos() + 1));
    }

    /**
     * Sleeps before the next try, with full jitter (a {@link #pacer} follows {@link #jitter}).
     *
     * @throws InterruptedException if interrupted; the caller stops retrying
     */
    public void pauseAfter(int attempt) throws InterruptedException {
        if (jitter != Jitter.FULL) {
            throw new IllegalStateException("pauseAfter draws full jitter; a backoff with " + jitter + " needs a pacer()");
        }
        Thread.sleep(delayAfter(attempt, ThreadLocalRandom.current()));
    }
}
