package dev.tally.cli;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Waits (with Awaitility) until something read from the stack meets a condition, telling the user how far it got
 * every few seconds. A timeout is not an exception here: the caller gets the last reading and a message naming
 * what did not happen, so a demo check or a command can say what was missing and carry on or exit non-zero.
 */
public final class ConditionWait {

    private static final long REPORT_EVERY_MILLIS = 3000;

    /** The last reading, and if the condition was not met in time, a message naming it. */
    public record Outcome<T>(T last, Optional<String> timedOut) {
        public boolean met() {
            return timedOut.isEmpty();
        }
    }

    private ConditionWait() {
    }

    /**
     * @param condition    what is awaited, worded so that "gave up waiting for ..." reads; also the Awaitility alias
     * @param every        the pause between readings
     * @param whileWaiting gets an unmet reading at once and then at most every 3 s
     */
    public static <T> Outcome<T> until(String condition, Duration atMost, Duration every, Callable<T> read,
                                       Predicate<? super T> met, Consumer<? super T> whileWaiting) {
        var last = new AtomicReference<T>();
        var reportedAt = new AtomicLong(-REPORT_EVERY_MILLIS);
        try {
            var value = await(condition).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(every)
                    .conditionEvaluationListener(evaluated -> {
                        if (!evaluated.isSatisfied() && evaluated.getElapsedTimeInMS() - reportedAt.get() >= REPORT_EVERY_MILLIS) {
                            reportedAt.set(evaluated.getElapsedTimeInMS());
                            whileWaiting.accept(last.get());
                        }
                    })
                    .until(() -> {
                        var reading = read.call();
                        last.set(reading);
                        return reading;
                    }, met);
            return new Outcome<>(value, Optional.empty());
        } catch (ConditionTimeoutException e) {
            var message = "gave up after " + atMost.toSeconds() + " s waiting for " + condition;
            if (last.get() != null) {
                return new Outcome<>(last.get(), Optional.of(message));
            }
            try { // not one reading finished in time: take one now, so the caller has evidence
                return new Outcome<>(read.call(), Optional.of(message));
            } catch (Exception readFailed) {
                throw new IllegalStateException(message + "; reading failed: " + readFailed.getMessage(), readFailed);
            }
        }
    }
}
