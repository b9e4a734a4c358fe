package dev.tally.projections;

import dev.tally.contracts.DomainEventCodec;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The balances projection for one shard. A batch is applied account by account (accounts in parallel, each
 * account's events in version order), to the active table and to the table a rebuild is filling, and only then
 * checkpointed. If anything fails, nothing is checkpointed and the same batch is applied again after a pause: the
 * projector's version checks make that harmless, and no record is skipped.
 */
final class BalanceRecordProcessor implements ShardRecordProcessor {

    static final String PROJECTION = "balances";
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final BalanceProjector projector;
    private final ProjectionCatalog catalog;
    private final LagRecorder lag;
    private final ExecutorService accounts;
    private final Clock clock;
    private final Consumer<String> log;
    private volatile boolean stopping;
    /** False while a delivered batch is not yet applied: then no checkpoint may be taken, not even at shutdown. */
    private volatile boolean allApplied = true;
    private String shardId = "?";

    BalanceRecordProcessor(BalanceProjector projector, ProjectionCatalog catalog, LagRecorder lag,
                           ExecutorService accounts, Clock clock, Consumer<String> log) {
        this.projector = projector;
        this.catalog = catalog;
        this.lag = lag;
        this.accounts = accounts;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        log.accept("balances: processing " + shardId + " from " + input.extendedSequenceNumber());
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
                log.accept("balances: batch of " + records.size() + " on " + shardId + " failed (attempt " + attempt
                        + "), not checkpointed, retrying: " + e);
                pause();
            }
        }
    }

    void apply(List<KinesisClientRecord> records) {
        var byAccount = new LinkedHashMap<String, List<BalanceChange>>();
        for (var record : records) {
            var data = new byte[record.data().remaining()];
            record.data().duplicate().get(data);
            var change = BalanceChange.of(DomainEventCodec.fromJson(data));
            byAccount.computeIfAbsent(change.accountId(), a -> new ArrayList<>()).add(change);
        }
        var targets = catalog.targets(PROJECTION);
        var work = new ArrayList<CompletableFuture<Void>>();
        for (var changes : byAccount.values()) {
            work.add(CompletableFuture.runAsync(() -> {
                for (var table : targets.all()) {
                    projector.applyAll(table, changes);
                }
                var now = clock.instant();
                changes.forEach(c -> lag.record(Math.max(0, Duration.between(c.occurredAt(), now).toMillis())));
            }, accounts));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
    }

    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
        for (int attempt = 1; ; attempt++) {
            try {
                checkpointer.checkpoint();
                return;
            } catch (ThrottlingException e) {
                if (attempt >= 5) {
                    throw new IllegalStateException("checkpoint throttled " + attempt + " times", e);
                }
                pause();
            } catch (ShutdownException | InvalidStateException e) {
                // the lease moved to another worker: it resumes from the last checkpoint; our effects are idempotent
                log.accept("balances: cannot checkpoint " + shardId + ": " + e.getMessage());
                return;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
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
