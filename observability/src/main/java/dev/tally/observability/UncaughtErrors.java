package dev.tally.observability;

import org.slf4j.LoggerFactory;

/**
 * A long-running process's last word: an exception that no code catches (in {@code main}, or on any thread) is
 * logged as one JSON line with its stack trace, not printed as text on stderr by the JVM's default handler.
 */
public final class UncaughtErrors {

    private UncaughtErrors() {
    }

    /** Call first in {@code main}. */
    public static void logAsJson() {
        var log = LoggerFactory.getLogger(UncaughtErrors.class);
        Thread.setDefaultUncaughtExceptionHandler((thread, error) ->
                log.error("uncaught in thread {}: the process may stop", thread.getName(), error));
    }
}
