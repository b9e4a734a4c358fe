package dev.tally.observability;

import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields every JSON log line of the current thread carries (SLF4J's MDC, flattened into the line by
 * {@code TallyLogLine.json}), and the one home of their names. A scope puts fields and, when closed, puts back what
 * was there before, so nested scopes (an invocation, then each event in it) and handlers run in-process by the local
 * stack leave nothing behind.
 */
public final class LogContext implements AutoCloseable {

    /** The part of Tally writing the line: {@code accounts-api}, {@code stream-translator}, a subscription's name. */
    public static final String SERVICE = "service";
    /** The Lambda function's name, from its context. */
    public static final String FUNCTION = "function_name";
    /** The Lambda invocation's request id. */
    public static final String FUNCTION_REQUEST_ID = "function_request_id";
    /** True on a Lambda instance's first invocation. */
    public static final String COLD_START = "cold_start";
    /** The id that follows one API request through every part: see {@link Correlation}. */
    public static final String CORRELATION_ID = "correlation_id";
    public static final String ACCOUNT_ID = "account_id";
    public static final String VERSION = "version";
    /** How a unit of work ended: {@code applied}, {@code refused}, {@code published}, {@code parked}... */
    public static final String OUTCOME = "outcome";
    public static final String DURATION_MS = "duration_ms";

    private final Map<String, String> previous;

    private LogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Puts the fields (a null value removes one) until the scope is closed. */
    public static LogContext with(Map<String, ?> fields) {
        var previous = new LinkedHashMap<String, String>();
        fields.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value.toString());
            }
        });
        return new LogContext(previous);
    }

    public static LogContext with(String key, Object value) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(key, value);
        return with(fields);
    }

    /** The fields of one event: its correlation id (may be null), account and version. */
    public static LogContext forEvent(String correlationId, String accountId, long version) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(CORRELATION_ID, correlationId);
        fields.put(ACCOUNT_ID, accountId);
        fields.put(VERSION, version);
        return with(fields);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
