package dev.tally.translator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.util.List;

/**
 * The Lambda on the events table's stream (event-source mapping with {@code ReportBatchItemFailures}). It reports
 * the first record it could not publish; Lambda then retries the shard from that record, and after
 * {@code MaximumRetryAttempts} (with {@code BisectBatchOnFunctionError} narrowing a poison record down to itself)
 * sends it to the on-failure destination.
 */
public final class StreamTranslatorHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private final StreamTranslator translator;

    public StreamTranslatorHandler() {
        this(StreamTranslatorEnvironment.shared());
    }

    public StreamTranslatorHandler(StreamTranslator translator) {
        this.translator = translator;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        var records = event.getRecords() == null ? List.<DynamodbEvent.DynamodbStreamRecord>of() : event.getRecords();
        var logger = context.getLogger();
        var result = translator.translate(records, logger::log);
        logger.log("translated " + records.size() + " records: " + result.published() + " published, "
                + result.skippedNotInsert() + " not INSERT, " + result.skippedNotEvent() + " not events, "
                + result.poisoned().size() + " poison, " + result.unpublished() + " unpublished"
                + result.firstUnprocessed().map(s -> "; resume from " + s).orElse(""));
        return StreamsEventResponse.builder()
                .withBatchItemFailures(result.firstUnprocessed()
                        .map(sequence -> List.of(StreamsEventResponse.BatchItemFailure.builder()
                                .withItemIdentifier(sequence).build()))
                        .orElse(List.of()))
                .build();
    }
}
