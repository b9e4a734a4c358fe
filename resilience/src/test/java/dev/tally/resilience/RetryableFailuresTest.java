package dev.tally.resilience;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK's classification, as its retry policy applies it: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html */
@DisplayNameGeneration(ReplaceUnderscores.class)
class RetryableFailuresTest {

    private static AwsServiceException service(int status, String errorCode) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage(errorCode).build()).build();
    }

    @Test
    void throttling_5xx_timeouts_and_broken_connections_are_retryable() {
        assertThat(RetryableFailures.isRetryable(service(400, "ProvisionedThroughputExceededException"))).isTrue();
        assertThat(RetryableFailures.isRetryable(service(400, "ThrottlingException"))).isTrue();
        assertThat(RetryableFailures.isRetryable(service(429, "TooManyRequestsException"))).isTrue();
        assertThat(RetryableFailures.isRetryable(service(500, "InternalFailure"))).isTrue();
        assertThat(RetryableFailures.isRetryable(service(503, "ServiceUnavailable"))).isTrue();
        assertThat(RetryableFailures.isRetryable(ApiCallAttemptTimeoutException.builder().message("slow").build())).isTrue();
        assertThat(RetryableFailures.isRetryable(SdkClientException.builder().message("refused")
                .cause(new ConnectException("Connection refused")).build())).isTrue();
        assertThat(RetryableFailures.isRetryable(new IllegalStateException("wrapped",
                new java.io.UncheckedIOException(new java.net.SocketException("Connection reset"))))).isTrue();
    }

    @Test
    void access_denied_missing_resources_validation_errors_and_bugs_are_not() {
        assertThat(RetryableFailures.isRetryable(service(400, "AccessDeniedException"))).isFalse();
        assertThat(RetryableFailures.isRetryable(service(403, "AccessDenied"))).isFalse();
        assertThat(RetryableFailures.isRetryable(service(400, "ResourceNotFoundException"))).isFalse();
        assertThat(RetryableFailures.isRetryable(service(400, "ValidationException"))).isFalse();
        assertThat(RetryableFailures.isRetryable(SdkClientException.create("Unable to load credentials"))).isFalse();
        assertThat(RetryableFailures.isRetryable(new NullPointerException("bug"))).isFalse();
        assertThat(RetryableFailures.isRetryable(new java.io.UncheckedIOException(new IOException("Unexpected character ('x')"))))
                .as("a parse error").isFalse();
    }
}
