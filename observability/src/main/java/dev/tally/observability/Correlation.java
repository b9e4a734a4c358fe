package dev.tally.observability;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The correlation id that follows one API request to the event it wrote, the Kinesis record, every subscriber's log
 * lines and the lake row. It is the trace id of the request's W3C {@code traceparent} header when the client sends a
 * valid one (so Tally's logs join the client's trace), else API Gateway's request id. An invalid header is ignored,
 * as the W3C Trace Context recommendation says, rather than refused: it names no part of the ledger request.
 */
public final class Correlation {

    /** The response header that gives the caller the id. */
    public static final String RESPONSE_HEADER = "X-Correlation-Id";
    /** The request header a client may send (W3C Trace Context). */
    public static final String TRACEPARENT = "traceparent";

    // version 00 and later (not ff), trace id, parent id, flags; lower-case hex only
    private static final Pattern TRACEPARENT_FORMAT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    private Correlation() {
    }

    /** The correlation id of a request: the traceparent's trace id if valid, else {@code requestId}. */
    public static String of(String traceparent, String requestId) {
        return traceId(traceparent).orElse(requestId);
    }

    /** The trace id of a valid {@code traceparent} header value. */
    public static Optional<String> traceId(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        var matcher = TRACEPARENT_FORMAT.matcher(traceparent.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        var version = matcher.group(1);
        var traceId = matcher.group(2);
        var parentId = matcher.group(3);
        boolean extra = matcher.group(5) != null;
        if (version.equals("ff") || (version.equals("00") && extra)
                || traceId.chars().allMatch(c -> c == '0') || parentId.chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(traceId);
    }
}
