package dev.tally.subscriptions;

import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.LocalDynamo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Positions on a real dynalite process: conditional advances, and holding an account back. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DynamoPositionStoreTest {

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private static DynamoPositionStore store;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.inMemory();
        dynamo = LocalDynamo.clientFor(dynalite);
        PositionTable.create(dynamo, PositionTable.nameFor("test"));
        store = new DynamoPositionStore(dynamo, PositionTable.nameFor("test"));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        dynalite.close();
    }

    @Test
    void a_position_moves_only_from_the_version_it_was_read_at() {
        var account = UUID.randomUUID().toString();

        assertThat(store.position(account)).isEqualTo(PositionStore.Position.NONE);
        assertThat(store.advance(account, 0, 1)).isTrue();
        assertThat(store.advance(account, 0, 2)).as("a stale writer").isFalse();
        assertThat(store.advance(account, 1, 2)).isTrue();
        assertThat(store.position(account)).isEqualTo(new PositionStore.Position(2, Optional.empty()));
    }

    @Test
    void a_held_account_says_behind_what_and_keeps_its_version() {
        var account = UUID.randomUUID().toString();
        store.advance(account, 0, 4);

        store.hold(account, "shardId-000000000001/123", 6);

        assertThat(store.position(account)).isEqualTo(new PositionStore.Position(4,
                Optional.of(new PositionStore.Hold("shardId-000000000001/123", 6))));
    }

    @Test
    void an_account_is_released_only_from_the_hold_it_is_under() {
        var account = UUID.randomUUID().toString();
        store.advance(account, 0, 4);
        store.hold(account, "shardId-000000000001/123", 6);

        store.release(account, new PositionStore.Hold("shardId-000000000001/999", 7));
        assertThat(store.position(account).heldBehind()).as("another hold's release").contains("shardId-000000000001/123");
        store.release(account, store.position(account).held().orElseThrow());

        assertThat(store.position(account)).isEqualTo(new PositionStore.Position(4, Optional.empty()));
    }

    @Test
    void a_held_version_is_trusted_only_beside_the_position_it_was_written_with() {
        var account = UUID.randomUUID().toString();
        store.hold(account, "shardId-000000000001/123", 6);
        // code that kept no version moves the hold: the version left behind belongs to another event
        dynamo.updateItem(b -> b.tableName(PositionTable.nameFor("test")).key(java.util.Map.of(PositionTable.ACCOUNT_ID,
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(account)))
                .updateExpression("SET " + PositionTable.HELD_BEHIND + " = :h")
                .expressionAttributeValues(java.util.Map.of(":h",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("shardId-000000000001/456"))));

        assertThat(store.position(account).held()).contains(new PositionStore.Hold("shardId-000000000001/456", 0));
    }
}
