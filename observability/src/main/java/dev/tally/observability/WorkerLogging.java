package dev.tally.observability;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * How a long-running worker process (a KCL worker in its container) logs: every line, from its own threads and the
 * KCL's alike, names the worker as its {@code service} (threads inherit the field from {@code main}); and an
 * exception no code catches is logged as one JSON line with its stack trace, not printed as text by the JVM.
 */
public final class WorkerLogging {

    private WorkerLogging() {
    }

    /** Call first in {@code main}, before anything logs. */
    public static void start(String service) {
        // read once, when log4j first builds its thread context: so it must be set before any logger exists
        System.setProperty("log4j2.isThreadContextMapInheritable", "true");
        MDC.put(LogContext.SERVICE, service);
        var log = LoggerFactory.getLogger(WorkerLogging.class);
        Thread.setDefaultUncaughtExceptionHandler((thread, error) ->
                log.error("uncaught in thread {}: the process may stop", thread.getName(), error));
    }
}
