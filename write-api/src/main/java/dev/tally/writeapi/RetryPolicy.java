package dev.tally.writeapi;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often the command service retries a lost optimistic-concurrency race, and how long it waits between tries:
 * exponential backoff with full jitter, so that contenders spread out instead of colliding again.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /**
     * Enough for 64 concurrent writers on one account (each round lets one of them through) with room to spare;
     * the worst case stays far below an API Gateway timeout of 30 s.
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(40, Duration.ofMillis(5), Duration.ofMillis(150));
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    /** Waits before attempt {@code attempt + 1}. */
    void pauseAfter(int attempt) {
        long cap = Math.min(maxDelay.toNanos(), baseDelay.toNanos() << Math.min(attempt, 20));
        long nanos = ThreadLocalRandom.current().nextLong(cap + 1);
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a command", e);
        }
    }
}
