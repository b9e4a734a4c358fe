package dev.tally.cli.bench;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventMetadata;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gives an existing account a long history fast: the credits are encoded by the event store's own codec (snapshots
 * every N, as the service writes them) and written straight to dynalite with BatchWriteItem, beside the streams
 * proxy, so they cost no stream records. The projection meets them as a gap the next time the account moves, and
 * fills it from the table, as it would after any gap.
 */
final class HistorySeeder {

    private static final int BATCH = 25;
    private static final int WRITERS = 4;

    private HistorySeeder() {
    }

    /** Appends credits of {@code minor} until the account has {@code versions} events. */
    static void seed(DynamoDbClient dynalite, String table, SnapshotPolicy snapshots, AccountId id, long versions,
                     long minor, Clock clock) throws Exception {
        var state = new DynamoEventStore(dynalite, table, snapshots).load(id);
        var items = new ArrayList<Map<String, AttributeValue>>();
        var metadata = EventMetadata.none();
        while (state.version() < versions) {
            var event = new BalanceCredited(id, Money.ofMinor(minor), clock.instant());
            state = AccountDecider.evolve(state, event);
            items.add(EventItemCodec.encode(event, state, snapshots.isSnapshotVersion(state.version()), metadata));
        }
        try (var pool = Executors.newFixedThreadPool(WRITERS)) {
            var writes = new ArrayList<Future<?>>();
            for (int from = 0; from < items.size(); from += BATCH) {
                var chunk = items.subList(from, Math.min(items.size(), from + BATCH));
                writes.add(pool.submit(() -> write(dynalite, table, chunk)));
            }
            for (var write : writes) {
                write.get();
            }
        }
    }

    private static Void write(DynamoDbClient dynalite, String table, List<Map<String, AttributeValue>> chunk) {
        List<WriteRequest> requests = chunk.stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList();
        while (!requests.isEmpty()) {
            var batch = Map.of(table, requests);
            requests = dynalite.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems().getOrDefault(table, List.of());
        }
        return null;
    }
}
