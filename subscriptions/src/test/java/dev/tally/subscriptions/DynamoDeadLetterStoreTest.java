package dev.tally.subscriptions;

import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.LocalDynamo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Dead letters on a real dynalite process. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DynamoDeadLetterStoreTest {

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private static DynamoDeadLetterStore store;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.inMemory();
        dynamo = LocalDynamo.clientFor(dynalite);
        DeadLetterTable.create(dynamo, DeadLetterTable.nameFor("test"));
        store = new DynamoDeadLetterStore(dynamo, DeadLetterTable.nameFor("test"));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        dynalite.close();
    }

    private static DeadLetter letter(String subscription, String sequence, byte[] data) {
        var record = new StreamRecord("shardId-000000000001", sequence, "acct", data, Instant.parse("2026-12-05T09:00:00Z"));
        return new DeadLetter(subscription, record, DeadLetter.Kind.UNREADABLE, "not JSON", 0,
                Instant.parse("2026-12-05T09:00:01Z"));
    }

    @Test
    void a_parked_record_reads_back_whole_in_stream_order_and_parking_it_again_stores_it_once() {
        var subscription = "s-" + UUID.randomUUID();
        var later = letter(subscription, "49659000000000000000000000000000000000000000000000000010", new byte[]{0, (byte) 0xff, 1});
        var earlier = letter(subscription, "9659000000000000000000000000000000000000000000000000002", "x".getBytes(StandardCharsets.UTF_8));

        store.park(later);
        store.park(earlier);
        store.park(later);

        var listed = store.list(subscription);
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).record().sequenceNumber()).isEqualTo(earlier.record().sequenceNumber());
        assertThat(listed.get(1).record().data()).isEqualTo(later.record().data());
        assertThat(listed.get(1)).usingRecursiveComparison().isEqualTo(later);
        assertThat(store.list("another-" + subscription)).isEmpty();
    }

    @Test
    void a_record_too_big_for_an_item_is_parked_without_its_bytes_saying_so() {
        var subscription = "s-" + UUID.randomUUID();
        store.park(letter(subscription, "1", new byte[DynamoDeadLetterStore.MAX_STORED_DATA_BYTES + 1]));

        var parked = store.list(subscription).getFirst();

        assertThat(parked.record().data()).isEmpty();
        assertThat(parked.reason()).contains("too many to keep here", "shardId-000000000001/1");
    }

    @Test
    void a_redriven_letter_leaves_the_dead_letters_and_stays_on_record() {
        var subscription = "s-" + UUID.randomUUID();
        var letter = letter(subscription, "5", "x".getBytes(StandardCharsets.UTF_8));
        store.park(letter);

        store.redriven(letter, Instant.parse("2026-12-05T10:00:00Z"));
        store.redriven(letter, Instant.parse("2026-12-05T10:00:01Z"));

        assertThat(store.list(subscription)).isEmpty();
        assertThat(store.count(subscription)).isZero();
        assertThat(store.redriven(subscription)).singleElement().usingRecursiveComparison().isEqualTo(letter);
    }
}
