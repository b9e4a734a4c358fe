package dev.tally.projections;

import dev.tally.eventstore.EventItemCodec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Rebuilds the balances read model from the events table, the source of truth, into a new table, then switches
 * readers to it without downtime.
 *
 * <ol>
 *   <li>Register the new table in the catalog as the one being built. Live workers then write every event to it
 *   as well as to the active table; the rebuild waits until they have all seen the change.</li>
 *   <li>Scan the events table in parallel segments, applying every event through the same version-aware projector
 *   (so the scan and the live workers can write the same account in any order). A finished segment is recorded.</li>
 *   <li>Switch readers: the new table becomes the active one.</li>
 * </ol>
 * Running it again after an interruption resumes the registered rebuild, skipping finished segments; a segment
 * cut short is scanned again, which the version checks make harmless.
 */
public final class BalancesRebuild {

    private final DynamoDbClient dynamo;
    private final ProjectionCatalog catalog;
    private final BalanceProjector projector;
    private final String eventsTable;
    private final Clock clock;
    private final Consumer<String> progress;

    public BalancesRebuild(DynamoDbClient dynamo, ProjectionCatalog catalog, BalanceProjector projector, String eventsTable,
                           Clock clock, Consumer<String> progress) {
        this.dynamo = dynamo;
        this.catalog = catalog;
        this.projector = projector;
        this.eventsTable = eventsTable;
        this.clock = clock;
        this.progress = progress;
    }

    /** @return the table readers use afterwards */
    public String run(int segments) throws InterruptedException {
        var projection = ProjectionEnvironment.BALANCES;
        var resumed = catalog.rebuild(projection);
        ProjectionCatalog.Rebuild rebuild;
        if (resumed.isPresent()) {
            rebuild = resumed.get();
            progress.accept("resuming the rebuild into " + rebuild.table() + ": " + rebuild.done().size() + " of "
                    + rebuild.segments() + " segments done");
        } else {
            var table = BalancesTable.INITIAL_NAME + "-" + clock.millis();
            BalancesTable.create(dynamo, table);
            catalog.startRebuild(projection, table, segments);
            rebuild = new ProjectionCatalog.Rebuild(table, segments, java.util.Set.of());
            progress.accept("rebuilding into " + table + " with " + segments + " parallel scan segments; live workers now write to it too");
            // Live workers re-read the catalog every REFRESH: after two, every event they apply reaches the new table.
            Thread.sleep(ProjectionCatalog.REFRESH.multipliedBy(2));
        }
        var scanned = new AtomicLong();
        var table = rebuild.table();
        var total = rebuild.segments();
        try (var pool = Executors.newFixedThreadPool(total)) {
            var work = new ArrayList<CompletableFuture<Void>>();
            for (int segment = 0; segment < total; segment++) {
                if (rebuild.done().contains(segment)) {
                    continue;
                }
                int current = segment;
                work.add(CompletableFuture.runAsync(() -> {
                    for (var page : dynamo.scanPaginator(b -> b.tableName(eventsTable).segment(current).totalSegments(total)
                            .consistentRead(true))) {
                        for (var item : page.items()) {
                            if (EventItemCodec.isEvent(item)) {
                                projector.apply(table, BalanceChange.of(EventItemCodec.decode(item)));
                            }
                        }
                        long sofar = scanned.addAndGet(page.count());
                        progress.accept("scanned " + sofar + " events");
                    }
                    catalog.segmentDone(projection, current);
                    progress.accept("segment " + (current + 1) + " of " + total + " done");
                }, pool));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        }
        catalog.switchTo(projection, table);
        progress.accept("readers switched to " + table);
        return table;
    }
}
