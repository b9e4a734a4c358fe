package dev.tally.translator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.observability.Invocation;
import dev.tally.observability.LogContext;
import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The Lambda on the events table's stream (event-source mapping with {@code ReportBatchItemFailures}). It reports
 * the first record it could not publish; Lambda then retries the shard from that record, and after
 * {@code MaximumRetryAttempts} (with {@code BisectBatchOnFunctionError} narrowing a poison record down to itself)
 * sends it to the on-failure destination.
 *
 * <p>Each batch logs one JSON line per published event (with its correlation id), one per poison record, and a
 * summary with its outcome and duration; its metrics are the records published and poisoned and the batch's age
 * (the oldest record's time on the stream when the batch was handled).
 */
public final class StreamTranslatorHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    /** The translator's name in logs and metrics. */
    public static final String SERVICE = "stream-translator";

    private static final Logger LOG = LoggerFactory.getLogger(StreamTranslatorHandler.class);

    private final StreamTranslator translator;
    private final Clock clock;

    public StreamTranslatorHandler() {
        this(StreamTranslatorEnvironment.shared());
    }

    public StreamTranslatorHandler(StreamTranslator translator) {
        this(translator, Clock.systemUTC());
    }

    public StreamTranslatorHandler(StreamTranslator translator, Clock clock) {
        this.translator = translator;
        this.clock = clock;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        long started = System.nanoTime();
        var records = event.getRecords() == null ? List.<DynamodbEvent.DynamodbStreamRecord>of() : event.getRecords();
        try (var invocation = Invocation.begin(SERVICE, context)) {
            var metrics = new Metrics(SERVICE, clock);
            records.stream()
                    .map(r -> r.getDynamodb() == null ? null : r.getDynamodb().getApproximateCreationDateTime())
                    .filter(Objects::nonNull)
                    .mapToLong(java.util.Date::getTime)
                    .min()
                    .ifPresent(oldest -> metrics.observe(Metric.BATCH_AGE, Math.max(0, clock.millis() - oldest)));
            // a poison record's reason goes to the JSON log and to the invocation's own log, which names the failed
            // record beside the batch (the local mapping stand-in takes its dead letters' reason from there)
            var result = translator.translate(records, line -> {
                LOG.warn("{}", line);
                context.getLogger().log(line);
            });
            metrics.count(Metric.RECORDS_PUBLISHED, result.published());
            metrics.count(Metric.RECORDS_POISONED, result.poisoned().size());
            var fields = new LinkedHashMap<String, Object>();
            fields.put(LogContext.OUTCOME, result.firstUnprocessed().isPresent() ? "partial" : "translated");
            fields.put(LogContext.DURATION_MS, (System.nanoTime() - started) / 1_000_000);
            try (var summary = LogContext.with(fields)) {
                LOG.info("translated {} records: {} published, {} not INSERT, {} not events, {} poison, {} unpublished{}",
                        records.size(), result.published(), result.skippedNotInsert(), result.skippedNotEvent(),
                        result.poisoned().size(), result.unpublished(),
                        result.firstUnprocessed().map(s -> "; resume from " + s).orElse(""));
            }
            metrics.flush();
            return StreamsEventResponse.builder()
                    .withBatchItemFailures(result.firstUnprocessed()
                            .map(sequence -> List.of(StreamsEventResponse.BatchItemFailure.builder()
                                    .withItemIdentifier(sequence).build()))
                            .orElse(List.of()))
                    .build();
        }
    }
}
