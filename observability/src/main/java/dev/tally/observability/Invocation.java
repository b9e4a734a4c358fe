package dev.tally.observability;

import com.amazonaws.services.lambda.runtime.Context;

import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Lambda invocation's log fields: the service, the function's name, its request id and whether it is the
 * instance's cold start. Every Tally handler opens one first; the local stack runs several functions in one process,
 * so the fields live in the invocation's thread, not in the environment.
 */
public final class Invocation {

    private static final Set<String> WARM = ConcurrentHashMap.newKeySet();

    private Invocation() {
    }

    public static LogContext begin(String service, Context context) {
        var fields = new LinkedHashMap<String, Object>();
        fields.put(LogContext.SERVICE, service);
        fields.put(LogContext.FUNCTION, context.getFunctionName());
        fields.put(LogContext.FUNCTION_REQUEST_ID, context.getAwsRequestId());
        fields.put(LogContext.COLD_START, WARM.add(context.getFunctionName() == null ? service : context.getFunctionName()));
        return LogContext.with(fields);
    }
}
