package dev.tally.projections;

import dev.tally.contracts.DomainEventCodec;
import dev.tally.kcl.CheckpointingProcessor;
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
 * checkpointed (see {@link CheckpointingProcessor}): the projector's version checks make a repeated batch harmless.
 */
final class BalanceRecordProcessor extends CheckpointingProcessor {


    private final BalanceProjector projector;
    private final ProjectionCatalog catalog;
    private final LagRecorder lag;
    private final ExecutorService accounts;
    private final Clock clock;

    BalanceRecordProcessor(BalanceProjector projector, ProjectionCatalog catalog, LagRecorder lag,
                           ExecutorService accounts, Clock clock, Consumer<String> log) {
        super(ProjectionEnvironment.BALANCES, log);
        this.projector = projector;
        this.catalog = catalog;
        this.lag = lag;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    protected void apply(List<KinesisClientRecord> records) {
        var byAccount = new LinkedHashMap<String, List<BalanceChange>>();
        for (var record : records) {
            var data = new byte[record.data().remaining()];
            record.data().duplicate().get(data);
            var change = BalanceChange.of(DomainEventCodec.fromJson(data));
            byAccount.computeIfAbsent(change.accountId(), a -> new ArrayList<>()).add(change);
        }
        var targets = catalog.targets(ProjectionEnvironment.BALANCES);
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
}
