package dev.tally.analytics;

import dev.tally.contracts.DomainEventCodec;
import dev.tally.contracts.UnreadableDomainEventException;
import dev.tally.kcl.CheckpointingProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The lake writer for one shard: flattens each domain event into a {@link LakeRow} and hands the batch to
 * Firehose; the batch is checkpointed only after Firehose accepted every row (see {@link CheckpointingProcessor}).
 * A record that is not a readable domain event cannot become a row; it is logged and counted, never silently
 * dropped (the translator validates events against their schemas, so this does not happen in practice).
 */
final class LakeWriterProcessor extends CheckpointingProcessor {

    private final FirehoseSender sender;
    private final AtomicLong written;
    private final AtomicLong unreadable;

    LakeWriterProcessor(FirehoseSender sender, AtomicLong written, AtomicLong unreadable, Consumer<String> log) {
        super(AnalyticsEnvironment.LAKE_WRITER_APPLICATION, log);
        this.sender = sender;
        this.written = written;
        this.unreadable = unreadable;
    }

    @Override
    protected void apply(List<KinesisClientRecord> records) {
        var rows = new ArrayList<byte[]>(records.size());
        int skipped = 0;
        for (var record : records) {
            var data = new byte[record.data().remaining()];
            record.data().duplicate().get(data);
            try {
                rows.add(LakeRow.of(DomainEventCodec.fromJson(data)).toJsonLine());
            } catch (UnreadableDomainEventException e) {
                skipped++;
                log.accept("lake-writer: skipping unreadable record " + record.sequenceNumber() + ": " + e.getMessage());
            }
        }
        sender.send(rows);
        written.addAndGet(rows.size());
        unreadable.addAndGet(skipped);
    }
}
