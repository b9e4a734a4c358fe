package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A Lambda context for running handlers outside Lambda, as the local stack's stand-ins and the tests do: a request
 * id, a deadline, and a logger that goes where the caller says.
 */
public record LocalLambdaContext(String functionName, String awsRequestId, Instant deadline, Consumer<String> log)
        implements Context {

    /** A context whose logger prints to stderr, tagged with the function and request. */
    public static LocalLambdaContext of(String functionName, String requestId, Duration timeout) {
        return of(functionName, requestId, timeout,
                line -> System.err.println("[" + functionName + " " + requestId + "] " + line));
    }

    public static LocalLambdaContext of(String functionName, String requestId, Duration timeout, Consumer<String> log) {
        return new LocalLambdaContext(functionName, requestId, Instant.now().plus(timeout), log);
    }

    @Override
    public String getAwsRequestId() {
        return awsRequestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                log.accept(message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
