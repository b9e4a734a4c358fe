package dev.tally.analytics;

import dev.tally.standins.firehose.LocalFirehose;
import dev.tally.standins.glue.GlueCatalog;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FirehoseSender against the Firehose stand-in: a call refused in a way no retry changes (here a delivery stream that
 * does not exist: https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html#API_PutRecordBatch_Errors)
 * is not sent again, and says it is not retryable.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class FirehoseSenderRefusalTest {

    @Test
    void a_missing_delivery_stream_fails_at_once_and_is_not_retryable() {
        var calls = new AtomicInteger();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        // the S3 client is never called: no record reaches a delivery stream
        try (var s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).endpointOverride(URI.create("http://127.0.0.1:9")).build();
             var standIn = new LocalFirehose(0, s3, new GlueCatalog(), "us-east-1", Clock.systemUTC(), Optional.empty(), line -> { });
             var firehose = FirehoseClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                     .httpClient(UrlConnectionHttpClient.create()).endpointOverride(standIn.endpoint())
                     .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                         @Override
                         public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                             calls.incrementAndGet();
                         }
                     })).build()) {
            var sender = new FirehoseSender(firehose, "no-such-stream", line -> { });

            assertThatThrownBy(() -> sender.send(List.of("{}\n".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(FirehoseDeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("no retry changes").hasMessageContaining("ResourceNotFoundException");
        }
        assertThat(calls).hasValue(1);
    }
}
