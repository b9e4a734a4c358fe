package dev.tally.resilience;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.retry.RetryUtils;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are worth trying again: those that may pass on their own. Throttling, 5xx answers, clock skew,
 * timeouts and broken connections are; everything else (access denied, a missing resource, a validation error, a
 * bug) fails the same way every time, so a retry only delays the moment someone must act.
 *
 * <p>The decision is the AWS SDK's own ({@link SdkException#retryable()} and {@link RetryUtils}, what its retry
 * policy uses), with network failures (broken or refused connections, unknown hosts, timeouts) anywhere in the cause
 * chain counted as transient, as the SDK's default retry condition counts them. Other I/O failures are not: a JSON
 * parse error is an {@code IOException} that fails the same way every time.
 */
public final class RetryableFailures {

    private RetryableFailures() {
    }

    /** True if {@code failure} may pass if the same call is made again later. */
    public static boolean isRetryable(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SdkException sdk && isRetryableSdk(sdk)) {
                return true;
            }
            // network failures only: a parse error is an IOException too (Jackson's), and it fails the same way every time
            if (cause instanceof SocketException || cause instanceof SocketTimeoutException
                    || cause instanceof UnknownHostException || cause instanceof HttpTimeoutException
                    || cause instanceof TimeoutException
                    || cause instanceof ApiCallAttemptTimeoutException || cause instanceof ApiCallTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRetryableSdk(SdkException e) {
        return e.retryable()
                || RetryUtils.isRetryableException(e)
                || RetryUtils.isThrottlingException(e)
                || RetryUtils.isClockSkewException(e)
                || e instanceof SdkServiceException service && service.statusCode() >= 500;
    }
}
