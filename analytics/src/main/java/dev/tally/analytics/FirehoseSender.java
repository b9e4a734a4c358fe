package dev.tally.analytics;

import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;
import dev.tally.resilience.Backoff;
import dev.tally.resilience.RetryableFailures;
import dev.tally.resilience.BatchLimits;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends records to a Firehose delivery stream with {@code PutRecordBatch}, within the API's limits (500 records
 * and 4 MiB per call, 1,000 KiB per record;
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html">PutRecordBatch</a>).
 *
 * <p>Firehose may reject single entries (each has an {@code ErrorCode}, and {@code FailedPutCount} counts them)
 * while accepting the others; only the rejected entries are sent again, with exponential backoff and full jitter.
 * A call that fails as a whole is sent again whole. Order does not matter: the lake is partitioned by event date
 * and read by SQL. Delivery is at least once (a lost response means a resend), so the reports remove duplicates.
 */
public final class FirehoseSender {

    static final BatchLimits PUT_RECORD_BATCH_LIMITS = new BatchLimits(500, 4L * 1024 * 1024);
    static final int MAX_RECORD_BYTES = 1000 * 1024;
    private static final Backoff RETRIES = new Backoff(8, Duration.ofMillis(100), Duration.ofSeconds(5));

    private final FirehoseClient firehose;
    private final String deliveryStream;
    private final Consumer<String> log;
    private final Clock clock;

    public FirehoseSender(FirehoseClient firehose, String deliveryStream, Consumer<String> log) {
        this(firehose, deliveryStream, log, Clock.systemUTC());
    }

    /** @param clock timestamps the metrics: rows delivered, and rows refused or in failed calls */
    public FirehoseSender(FirehoseClient firehose, String deliveryStream, Consumer<String> log, Clock clock) {
        this.firehose = firehose;
        this.deliveryStream = deliveryStream;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Returns once Firehose has accepted every record.
     *
     * @throws FirehoseDeliveryException when some are still rejected after 8 attempts ({@link #RETRIES}), or at once
     *                                   when the call fails in a way no retry changes (access denied) or a record is
     *                                   too big for Firehose; the caller must not checkpoint them
     */
    public void send(List<byte[]> records) {
        var metrics = new Metrics(AnalyticsEnvironment.LAKE_WRITER_APPLICATION, clock);
        try {
            for (var record : records) {
                if (record.length > MAX_RECORD_BYTES) {
                    metrics.count(Metric.FIREHOSE_FAILURES, 1);
                    throw new FirehoseDeliveryException("a record of " + record.length + " bytes is over Firehose's limit of "
                            + MAX_RECORD_BYTES + " bytes", false, null);
                }
            }
            for (var call : calls(records)) {
                sendCall(call, metrics);
            }
        } finally {
            metrics.flush();
        }
    }

    private void sendCall(List<byte[]> call, Metrics metrics) {
        var pending = call;
        String lastError = null;
        for (int attempt = 1; attempt <= RETRIES.maxAttempts(); attempt++) {
            if (attempt > 1) {
                pause(attempt - 1);
            }
            var entries = pending.stream().map(r -> Record.builder().data(SdkBytes.fromByteArrayUnsafe(r)).build()).toList();
            PutRecordBatchResponse response;
            try {
                response = firehose.putRecordBatch(b -> b.deliveryStreamName(deliveryStream).records(entries));
            } catch (SdkException e) {
                if (!RetryableFailures.isRetryable(e)) {
                    metrics.count(Metric.FIREHOSE_FAILURES, pending.size());
                    // access denied, no such stream, a validation error: the same answer every time
                    throw new FirehoseDeliveryException("PutRecordBatch to " + deliveryStream + " failed in a way no "
                            + "retry changes: " + e, false, e);
                }
                lastError = e.getMessage();
                metrics.count(Metric.FIREHOSE_FAILURES, pending.size());
                log.accept("lake-writer: PutRecordBatch of " + pending.size() + " records failed (attempt " + attempt + "): " + e.getMessage());
                continue;
            }
            if (response.failedPutCount() == null || response.failedPutCount() == 0) {
                metrics.count(Metric.LAKE_ROWS_DELIVERED, pending.size());
                return;
            }
            var rejected = new ArrayList<byte[]>();
            for (int i = 0; i < pending.size(); i++) {
                var result = response.requestResponses().get(i);
                if (result.errorCode() != null) {
                    rejected.add(pending.get(i));
                    lastError = result.errorCode() + ": " + result.errorMessage();
                }
            }
            metrics.count(Metric.LAKE_ROWS_DELIVERED, pending.size() - rejected.size());
            metrics.count(Metric.FIREHOSE_FAILURES, rejected.size());
            log.accept("lake-writer: Firehose rejected " + rejected.size() + " of " + pending.size() + " records (attempt "
                    + attempt + ", " + lastError + "); sending those again");
            pending = rejected;
        }
        // Firehose answers per record only with ServiceUnavailableException or InternalFailure, and throttling: all may pass
        throw new FirehoseDeliveryException(pending.size() + " records not accepted by " + deliveryStream + " after "
                + RETRIES.maxAttempts() + " attempts; last error: " + lastError, true, null);
    }

    /** Consecutive slices within the per-call record and byte limits. */
    static List<List<byte[]>> calls(List<byte[]> records) {
        return PUT_RECORD_BATCH_LIMITS.split(records, record -> record.length);
    }

    private static void pause(int attempt) {
        try {
            RETRIES.pauseAfter(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FirehoseDeliveryException("interrupted while retrying PutRecordBatch", true, e);
        }
    }
}
