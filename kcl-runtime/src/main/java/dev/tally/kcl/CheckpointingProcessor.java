package dev.tally.kcl;

import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A shard's record processor that applies each batch and only then checkpoints. If applying fails, nothing is
 * checkpointed and the same batch is applied again after a pause, until it succeeds or the lease is lost: no
 * record is ever skipped, so {@link #apply} must be idempotent. At shutdown a batch that was delivered but not
 * applied is never checkpointed.
 */
public abstract class CheckpointingProcessor implements ShardRecordProcessor {

    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final String name;
    protected final Consumer<String> log;
    private volatile boolean stopping;
    /** False while a delivered batch is not yet applied: then no checkpoint may be taken, not even at shutdown. */
    private volatile boolean allApplied = true;
    private String shardId = "?";

    protected CheckpointingProcessor(String name, Consumer<String> log) {
        this.name = name;
        this.log = log;
    }

    /** Makes the batch's effects durable; throws to have it applied again. */
    protected abstract void apply(List<KinesisClientRecord> records);

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        log.accept(name + ": processing " + shardId + " from " + input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        var records = input.records();
        if (records.isEmpty()) {
            return;
        }
        allApplied = false;
        for (int attempt = 1; !stopping; attempt++) {
            try {
                apply(records);
                allApplied = true;
                checkpoint(input.checkpointer());
                return;
            } catch (RuntimeException e) {
                log.accept(name + ": batch of " + records.size() + " on " + shardId + " failed (attempt " + attempt
                        + "), not checkpointed, retrying: " + e);
                if (!Checkpoints.sleep(RETRY_PAUSE)) {
                    stopping = true;
                }
            }
        }
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
        Checkpoints.checkpoint(checkpointer, shardId, RETRY_PAUSE, line -> log.accept(name + ": " + line));
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        stopping = true;
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        if (allApplied) {
            checkpoint(input.checkpointer());
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        stopping = true;
        if (allApplied) {
            checkpoint(input.checkpointer());
        }
    }
}
