package dev.tally.eventstore;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.tally.eventstore.EventTable.ID;
import static dev.tally.eventstore.EventTable.VERSION;

/**
 * The event store on one DynamoDB table (see {@link EventTable}).
 *
 * <ul>
 *   <li><b>Append</b> is one {@code PutItem} per event with {@code attribute_not_exists(Version)}: of two writers at
 *   the same version exactly one wins. Not {@code TransactWriteItems}: dynalite lacks it and a plain put costs half
 *   the write capacity.</li>
 *   <li>A put refused because an earlier attempt of the same call landed (its answer lost, the SDK sending it
 *   again) counts as written, not as a lost race.</li>
 *   <li><b>Catching up</b> after a lost race reads the events after the version the loser knew, nothing else.</li>
 *   <li><b>Load</b> is one strongly consistent Query, newest first, {@code Limit} N (the snapshot interval). N
 *   consecutive versions always include one snapshot, so the read cost does not grow with the history.</li>
 * </ul>
 */
public final class DynamoEventStore implements EventStore {

    /** Events read per Query when catching up after a lost race: more than a burst of concurrent winners. */
    private static final int CATCH_UP_PAGE = 100;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final SnapshotPolicy snapshots;

    public DynamoEventStore(DynamoDbClient dynamo, String tableName, SnapshotPolicy snapshots) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.snapshots = snapshots;
    }

    @Override
    public AccountState load(AccountId accountId) {
        var newestFirst = dynamo.query(newestFirst(accountId, snapshots.every())).items();
        if (newestFirst.isEmpty()) {
            return AccountDecider.initialState(accountId);
        }
        var tail = new ArrayList<AccountEvent>();
        for (var item : newestFirst) {
            var snapshot = EventItemCodec.decodeSnapshot(item);
            if (snapshot.isPresent()) {
                return AccountDecider.fold(snapshot.get(), tail.reversed());
            }
            tail.add(EventItemCodec.decode(item).event());
        }
        var oldest = EventItemCodec.decode(newestFirst.getLast()).version();
        if (oldest == 1) {
            return AccountDecider.fold(AccountDecider.initialState(accountId), tail.reversed());
        }
        // No snapshot among the newest N items: either the only snapshots there have a schema version this code does
        // not know, or the history was written with a larger interval than this reader's (a changed setting; every
        // deployable reads one EventStoreSettings so they agree). Either way, replay the whole history: correct, but
        // its cost grows with the history.
        return replay(accountId);
    }

    private AccountState replay(AccountId accountId) {
        return foldAfter(AccountDecider.initialState(accountId), SnapshotPolicy.MAX_EVERY);
    }

    @Override
    public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
        var state = current;
        for (var event : events) {
            var next = AccountDecider.evolve(state, event);
            var item = EventItemCodec.encode(event, next, snapshots.isSnapshotVersion(next.version()), metadata);
            try {
                dynamo.putItem(b -> b.tableName(tableName).item(item)
                        .conditionExpression("attribute_not_exists(#version)")
                        .expressionAttributeNames(Map.of("#version", VERSION)));
            } catch (ConditionalCheckFailedException lost) {
                if (!landedOnAnEarlierAttempt(lost, item)) {
                    return new AppendResult.Conflict(current.accountId(), state.version());
                }
            }
            state = next;
        }
        return new AppendResult.Appended(state);
    }

    /**
     * Whether a refused put was this very item, written by an earlier attempt of the same call
     * ({@link RetriedWrites}). Taking that for a lost race would decide the command again on a state that already
     * holds it, and apply it twice (a command with an idempotency key would find itself; one without would not).
     * The stored item is read (strongly consistent) and compared with the one sent: the event's time, request id and
     * actor tell two commands' items apart.
     */
    private boolean landedOnAnEarlierAttempt(ConditionalCheckFailedException refused, Map<String, AttributeValue> sent) {
        if (!RetriedWrites.mayHaveRefusedItself(refused)) {
            return false;
        }
        var stored = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true)
                .key(Map.of(ID, sent.get(ID), VERSION, sent.get(VERSION)))).item();
        return sent.equals(stored);
    }

    /** One strongly consistent Query of the events after {@code known} (more only past {@value #CATCH_UP_PAGE}). */
    @Override
    public AccountState catchUp(AccountState known) {
        return foldAfter(known, CATCH_UP_PAGE);
    }

    /** {@code known} with every later event folded on, read {@code page} events per Query. */
    private AccountState foldAfter(AccountState known, int page) {
        var state = known;
        long after = known.version();
        while (true) {
            var events = readEvents(known.accountId(), after, page);
            for (var recorded : events.events()) {
                state = AccountDecider.evolve(state, recorded.event());
            }
            if (events.nextAfter().isEmpty()) {
                return state;
            }
            after = events.nextAfter().getAsLong();
        }
    }

    @Override
    public EventPage readEvents(AccountId accountId, long afterVersion, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        // Ask for one more than the page, so that the last page says so instead of returning a cursor to nothing.
        var items = dynamo.query(b -> b.tableName(tableName)
                .keyConditionExpression("#id = :id AND #version > :after")
                .expressionAttributeNames(Map.of("#id", ID, "#version", VERSION))
                .expressionAttributeValues(Map.of(
                        ":id", AttributeValue.fromS(accountId.toString()),
                        ":after", AttributeValue.fromN(Long.toString(afterVersion))))
                .scanIndexForward(true)
                .consistentRead(true)
                .limit(limit + 1)).items();
        var events = new ArrayList<RecordedEvent>();
        for (int i = 0; i < Math.min(limit, items.size()); i++) {
            events.add(EventItemCodec.decode(items.get(i)));
        }
        var next = items.size() > limit ? OptionalLong.of(events.getLast().version()) : OptionalLong.empty();
        return new EventPage(events, next);
    }

    @Override
    public OwnedAccounts accountsOwnedBy(Principal owner, Optional<AccountId> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        // One more than the page, as in readEvents: the last page then has no cursor. A GSI query cannot be
        // strongly consistent.
        var query = QueryRequest.builder().tableName(tableName).indexName(EventTable.OWNER_INDEX)
                .scanIndexForward(true)
                .limit(limit + 1);
        var values = new HashMap<String, AttributeValue>();
        values.put(":owner", AttributeValue.fromS(owner.key()));
        if (after.isPresent()) {
            values.put(":after", AttributeValue.fromS(after.get().toString()));
            query.keyConditionExpression("#owner = :owner AND #id > :after")
                    .expressionAttributeNames(Map.of("#owner", EventTable.OWNER_KEY, "#id", ID));
        } else {
            query.keyConditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", EventTable.OWNER_KEY));
        }
        var items = dynamo.query(query.expressionAttributeValues(values).build()).items();
        var accounts = new ArrayList<OwnedAccounts.Account>();
        for (int i = 0; i < Math.min(limit, items.size()); i++) {
            var item = items.get(i);
            var name = item.get(EventTable.DISPLAY_NAME);
            accounts.add(new OwnedAccounts.Account(AccountId.parse(item.get(ID).s()), name == null ? null : name.s(),
                    Instant.parse(item.get(EventTable.OCCURRED_AT).s())));
        }
        var next = items.size() > limit ? Optional.of(accounts.getLast().accountId()) : Optional.<AccountId>empty();
        return new OwnedAccounts(accounts, next);
    }

    private QueryRequest newestFirst(AccountId accountId, int limit) {
        return QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("#id = :id")
                .expressionAttributeNames(Map.of("#id", ID))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(accountId.toString())))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit)
                .build();
    }
}
