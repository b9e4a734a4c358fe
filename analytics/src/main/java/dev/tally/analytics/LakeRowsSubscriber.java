package dev.tally.analytics;

import dev.tally.contracts.DomainEvent;
import dev.tally.subscriptions.BatchHandler;
import dev.tally.subscriptions.BatchItemFailuresException;
import dev.tally.subscriptions.PoisonEventException;
import dev.tally.subscriptions.RetryLaterException;

import java.util.List;

/**
 * The lake writer as a subscriber of the kit: each batch's events become {@link LakeRow}s, handed to Firehose in as
 * few calls as its limits allow. The kit checkpoints only once Firehose accepted every row, or the rows are parked:
 * a readable event is never lost from the lake, and an unreadable record is parked with its reason, never skipped.
 * Order does not matter (the lake is read by SQL) and delivery is at least once (the reports remove duplicates).
 */
final class LakeRowsSubscriber implements BatchHandler {

    private final FirehoseSender sender;

    LakeRowsSubscriber(FirehoseSender sender) {
        this.sender = sender;
    }

    @Override
    public void handle(List<DomainEvent> events) throws BatchItemFailuresException {
        // a row Firehose could never take is that event's failure alone: the others are sent
        var rows = new java.util.ArrayList<byte[]>(events.size());
        var tooBig = new java.util.LinkedHashMap<DomainEvent, Exception>();
        for (var event : events) {
            var row = LakeRow.of(event).toJsonLine();
            if (row.length > FirehoseSender.MAX_RECORD_BYTES) {
                tooBig.put(event, new PoisonEventException("its lake row is " + row.length + " bytes, over Firehose's "
                        + "limit of " + FirehoseSender.MAX_RECORD_BYTES));
            } else {
                rows.add(row);
            }
        }
        try {
            sender.send(rows);
        } catch (FirehoseDeliveryException e) {
            if (e.retryable()) {
                throw new RetryLaterException("Firehose did not take the batch yet", e);
            }
            throw e;
        }
        if (!tooBig.isEmpty()) {
            throw new BatchItemFailuresException(tooBig);
        }
    }
}
