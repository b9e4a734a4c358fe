package dev.tally.analytics;

import dev.tally.contracts.DomainEventCodec;
import dev.tally.contracts.UnreadableDomainEventException;
import dev.tally.kcl.CheckpointingProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lake writer for one shard: flattens each domain event into a {@link LakeRow} and hands the batch to
 * Firehose; the batch is checkpointed only after Firehose accepted every row (see {@link CheckpointingProcessor}).
 * A record that is not a readable domain event cannot become a row; it is logged with its sequence number, never
 * silently dropped (the translator validates events against their schemas, so this does not happen in practice).
 */
final class LakeWriterProcessor extends CheckpointingProcessor {

    private final FirehoseSender sender;

    LakeWriterProcessor(FirehoseSender sender, Consumer<String> log) {
        super(AnalyticsEnvironment.LAKE_WRITER_APPLICATION, log);
        this.sender = sender;
    }

    @Override
    protected void apply(List<KinesisClientRecord> records) {
        var rows = new ArrayList<byte[]>(records.size());
        for (var record : records) {
            var data = new byte[record.data().remaining()];
            record.data().duplicate().get(data);
            try {
                rows.add(LakeRow.of(DomainEventCodec.fromJson(data)).toJsonLine());
            } catch (UnreadableDomainEventException e) {
                log.accept("lake-writer: skipping unreadable record " + record.sequenceNumber() + ": " + e.getMessage());
            }
        }
        sender.send(rows);
    }
}
