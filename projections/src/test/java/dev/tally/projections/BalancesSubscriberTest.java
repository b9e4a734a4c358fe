package dev.tally.projections;

import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.DomainEventCodec;
import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.LocalDynamo;
import dev.tally.eventstore.RecordedEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.tally.subscriptions.InMemoryDeadLetterStore;
import dev.tally.subscriptions.StreamRecord;
import dev.tally.subscriptions.Subscription;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balances projection on the subscriptions kit, fed shuffled, duplicated and gapped events and some poison, on a
 * real dynalite holding the events table it repairs gaps from: the read model must end exact, the poison parked.
 */
class BalancesSubscriberTest {

    private static final Principal OWNER = new Principal("https://id.example.com/", "owner");
    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private static DynamoEventStore events;
    private static BalanceProjector projector;
    private static Subscription subscription;
    private static InMemoryDeadLetterStore deadLetters;

    @BeforeContainer
    static void start() {
        dynalite = Dynalite.inMemory();
        dynamo = LocalDynamo.clientFor(dynalite);
        EventTable.create(dynamo, "events");
        ProjectionCatalog.create(dynamo, "projections");
        BalancesTable.create(dynamo, BalancesTable.INITIAL_NAME);
        var catalog = new ProjectionCatalog(dynamo, "projections", Clock.systemUTC());
        catalog.initialize(ProjectionEnvironment.BALANCES, BalancesTable.INITIAL_NAME);
        events = new DynamoEventStore(dynamo, "events", SnapshotPolicy.defaults());
        projector = new BalanceProjector(dynamo, events, Clock.systemUTC());
        deadLetters = new InMemoryDeadLetterStore();
        subscription = Subscription.perEvent("balances-test",
                new BalancesSubscriber(projector, catalog, new LagRecorder(Clock.systemUTC()), Clock.systemUTC()),
                Executors.newFixedThreadPool(4), deadLetters, Subscription.DEFAULT_RETRIES, Clock.systemUTC());
    }

    @AfterContainer
    static void stop() {
        dynamo.close();
        dynalite.close();
    }

    /** A valid history written to the events table: creation, then credits and withdrawals that never overdraw. */
    private static List<RecordedEvent> writeHistory(int length, Random random) {
        var id = new AccountId(UUID.randomUUID());
        AccountState state = AccountDecider.initialState(id);
        var at = Instant.parse("2026-11-26T10:00:00Z");
        for (int i = 0; i < length; i++) {
            AccountEvent event;
            if (i == 0) {
                event = new AccountEvent.AccountCreated(id, OWNER, null, at);
            } else if (state.balance().minorUnits() > 0 && random.nextInt(3) == 0) {
                event = new AccountEvent.BalanceWithdrawn(id, Money.ofMinor(1 + random.nextLong(state.balance().minorUnits())), at);
            } else {
                event = new AccountEvent.BalanceCredited(id, Money.ofMinor(1 + random.nextInt(100_000)), at);
            }
            var result = events.append(state, List.of(event), EventMetadata.of(OWNER, "req-" + i, Optional.empty()));
            state = ((AppendResult.Appended) result).state();
        }
        return events.readEvents(id, 0, 1000).events();
    }

    /** The event as the translator publishes it, in a Kinesis record. */
    private static StreamRecord record(RecordedEvent recorded, int sequence) {
        var accountId = recorded.event().accountId().toString();
        var id = DomainEvent.eventIdFor(accountId, recorded.version());
        var owner = new DomainEvent.Identity(OWNER.issuer(), OWNER.subject());
        DomainEvent event = switch (recorded.event()) {
            case AccountEvent.AccountCreated c -> new DomainEvent.AccountCreated(id, accountId, recorded.version(),
                    c.occurredAt(), owner, null, owner, null, null, null);
            case AccountEvent.BalanceCredited c -> new DomainEvent.BalanceCredited(id, accountId, recorded.version(),
                    c.occurredAt(), c.amount().minorUnits(), recorded.balanceAfter().minorUnits(), owner, null, null, null);
            case AccountEvent.BalanceWithdrawn w -> new DomainEvent.BalanceWithdrawn(id, accountId, recorded.version(),
                    w.occurredAt(), w.amount().minorUnits(), recorded.balanceAfter().minorUnits(), owner, null, null, null);
        };
        return new StreamRecord("shardId-000000000000", Integer.toString(sequence), accountId,
                DomainEventCodec.toJson(event), Instant.now());
    }

    private static Map<String, AttributeValue> projected(RecordedEvent any) {
        return dynamo.getItem(b -> b.tableName(BalancesTable.INITIAL_NAME).consistentRead(true).key(Map.of(
                BalancesTable.ACCOUNT_ID, AttributeValue.fromS(any.event().accountId().toString())))).item();
    }

    @Property(tries = 15)
    void shuffled_duplicated_and_gapped_deliveries_end_with_the_exact_balance_and_version(
            @ForAll("seeds") long seed) {
        var random = new Random(seed);
        var accounts = new ArrayList<List<RecordedEvent>>();
        for (int a = 0; a < 3; a++) {
            accounts.add(writeHistory(5 + random.nextInt(25), random));
        }
        // What Kinesis delivers: each event 0 to 3 times (some dropped: gaps), the newest at least once, a few records
        // that are no domain event at all (poison), everything shuffled and cut into batches.
        var deliveries = new ArrayList<StreamRecord>();
        int sequence = 0;
        for (var history : accounts) {
            for (var recorded : history) {
                int copies = recorded == history.getLast() ? 1 + random.nextInt(3) : random.nextInt(4);
                for (int c = 0; c < copies; c++) {
                    deliveries.add(record(recorded, sequence++));
                }
            }
        }
        // one of each kind no reader can read: bytes that are not JSON, an unknown type, a newer schema version
        var poison = List.of("\u0000garbage", "{\"type\":\"AccountFrozen\",\"schemaVersion\":1}",
                "{\"type\":\"BalanceCredited\",\"schemaVersion\":99}");
        var poisonPositions = new java.util.HashSet<String>();
        for (int p = 0; p < poison.size(); p++) {
            var bad = new StreamRecord("shardId-000000000000", "p" + seed + "-" + p,
                    accounts.get(p % accounts.size()).getFirst().event().accountId().toString(),
                    poison.get(p).getBytes(java.nio.charset.StandardCharsets.UTF_8), Instant.now());
            deliveries.add(bad);
            poisonPositions.add(bad.position());
        }
        Collections.shuffle(deliveries, random);
        long parkedBefore = subscription.parked();
        for (int from = 0; from < deliveries.size(); from += 7) {
            subscription.process(deliveries.subList(from, Math.min(from + 7, deliveries.size())));
        }
        // the poison was parked, each as its kind, and did not stop any account's later events
        assertThat(subscription.parked() - parkedBefore).isEqualTo(poison.size());
        assertThat(deadLetters.list("balances-test")).filteredOn(d -> poisonPositions.contains(d.record().position()))
                .extracting(dev.tally.subscriptions.DeadLetter::kind).containsExactlyInAnyOrder(
                        dev.tally.subscriptions.DeadLetter.Kind.UNREADABLE, dev.tally.subscriptions.DeadLetter.Kind.UNKNOWN_TYPE,
                        dev.tally.subscriptions.DeadLetter.Kind.NEWER_SCHEMA_VERSION);

        for (var history : accounts) {
            var last = history.getLast();
            var item = projected(last);
            assertThat(Long.parseLong(item.get(BalancesTable.VERSION).n())).isEqualTo(last.version());
            assertThat(Long.parseLong(item.get(BalancesTable.BALANCE_MINOR).n())).isEqualTo(last.balanceAfter().minorUnits());
            // the owner reaches the row whether the creation arrived on the stream or was repaired from the table
            assertThat(BalancesTable.owner(item)).isEqualTo(OWNER);
            assertThat(item.get(BalancesTable.LAST_EVENT_ID).s())
                    .isEqualTo(DomainEvent.eventIdFor(last.event().accountId().toString(), last.version()));
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
