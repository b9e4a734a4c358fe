package dev.tally.projections;

import dev.tally.domain.AccountId;
import dev.tally.domain.Principal;
import dev.tally.eventstore.EventStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tally.projections.BalancesTable.ACCOUNT_ID;
import static dev.tally.projections.BalancesTable.BALANCE_MINOR;
import static dev.tally.projections.BalancesTable.LAST_EVENT_ID;
import static dev.tally.projections.BalancesTable.PROJECTED_AT;
import static dev.tally.projections.BalancesTable.UPDATED_AT;
import static dev.tally.projections.BalancesTable.VERSION;

/**
 * Applies events to a balances table, exactly once each and in version order per account, whatever order and how
 * many times they arrive. Each incoming event is classified against the stored version (Propulsion's
 * start/append/duplicate/gap):
 *
 * <ul>
 *   <li><b>duplicate</b> (version at or below the stored one): skipped;</li>
 *   <li><b>next</b> (stored version + 1): applied with an update conditional on the stored version;</li>
 *   <li><b>gap</b> (further ahead): the missing versions are read from the events table, the source of truth, and
 *   applied first. A gap is never skipped.</li>
 * </ul>
 * A lost conditional update (another writer, such as a rebuild, got there first) is re-classified. The balance is
 * computed by adding the event's amount, and checked against the balance the write side recorded: a mismatch
 * fails loudly instead of storing a wrong balance.
 */
public final class BalanceProjector {

    /** How an event was classified. */
    public enum Classification { APPLIED, DUPLICATE, GAP_REPAIRED }

    private final DynamoDbClient dynamo;
    private final EventStore events;
    private final Clock clock;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();
    /**
     * The last version this projector wrote per (table, account). It saves the read before each write: a stale
     * entry only makes the conditional write fail, which drops the entry and reads the item. Bounded, oldest out.
     */
    private final Map<String, Stored> written = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
                    return size() > 100_000;
                }
            });

    public BalanceProjector(DynamoDbClient dynamo, EventStore events, Clock clock) {
        this.dynamo = dynamo;
        this.events = events;
        this.clock = clock;
    }

    /** @param owner null until the creation is applied, and for accounts opened before owners were recorded */
    private record Stored(long version, long balance, Principal owner) {
    }

    /**
     * Applies one event to {@code table}.
     *
     * @throws IllegalStateException if the projection's arithmetic disagrees with the write side, or a gap cannot
     *                               be repaired because the events table lacks the versions; not retryable
     */
    public Classification apply(String table, BalanceChange change) {
        boolean gap = false;
        var key = table + "/" + change.accountId();
        while (true) {
            var cached = written.get(key);
            var stored = cached != null ? cached : read(table, change.accountId());
            if (change.version() <= stored.version()) {
                if (!gap) {
                    duplicates.incrementAndGet();
                }
                return gap ? Classification.GAP_REPAIRED : Classification.DUPLICATE;
            }
            if (change.version() > stored.version() + 1) {
                gap = true;
                written.remove(key);
                repair(table, change.accountId(), read(table, change.accountId()), change.version() - 1);
                continue;
            }
            if (write(table, stored, change)) {
                applied.incrementAndGet();
                return gap ? Classification.GAP_REPAIRED : Classification.APPLIED;
            }
            // someone else moved the item on (or our cached version was stale): read it and classify again
            written.remove(key);
        }
    }

    /** Applies the account's missing versions {@code (stored.version, upTo]}, read from the events table. */
    private void repair(String table, String accountId, Stored stored, long upTo) {
        long after = stored.version();
        var id = AccountId.parse(accountId);
        while (after < upTo) {
            var page = events.readEvents(id, after, (int) Math.min(100, upTo - after));
            if (page.events().isEmpty()) {
                throw new IllegalStateException("gap in account " + accountId + ": versions after " + after
                        + " up to " + upTo + " are not in the events table");
            }
            for (var recorded : page.events()) {
                var missing = BalanceChange.of(recorded);
                var current = read(table, accountId);
                if (missing.version() == current.version() + 1 && write(table, current, missing)) {
                    repaired.incrementAndGet();
                }
            }
            after = page.events().getLast().version();
        }
    }

    private Stored read(String table, String accountId) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(ACCOUNT_ID, AttributeValue.fromS(accountId)))).item();
        if (item == null || item.isEmpty()) {
            return new Stored(0, 0, null);
        }
        return new Stored(Long.parseLong(item.get(VERSION).n()), Long.parseLong(item.get(BALANCE_MINOR).n()),
                BalancesTable.owner(item));
    }

    /** The conditional write of {@code change} on top of {@code stored}; false if the item moved meanwhile. */
    private boolean write(String table, Stored stored, BalanceChange change) {
        long balance = Math.addExact(stored.balance(), change.delta());
        if (balance != change.balanceAfter()) {
            throw new IllegalStateException("account " + change.accountId() + " version " + change.version()
                    + ": projected balance " + balance + " differs from the recorded " + change.balanceAfter()
                    + " (minor units); the read model or the events are corrupt");
        }
        var item = new HashMap<String, AttributeValue>();
        item.put(ACCOUNT_ID, AttributeValue.fromS(change.accountId()));
        item.put(BALANCE_MINOR, AttributeValue.fromN(Long.toString(balance)));
        item.put(VERSION, AttributeValue.fromN(Long.toString(change.version())));
        item.put(LAST_EVENT_ID, AttributeValue.fromS(change.eventId()));
        item.put(UPDATED_AT, AttributeValue.fromS(change.occurredAt().toString()));
        item.put(PROJECTED_AT, AttributeValue.fromS(clock.instant().toString()));
        // The owner comes with the creation (version 1); every later write carries it over.
        var owner = change.version() == 1 ? change.owner() : stored.owner();
        BalancesTable.putOwner(item, owner);
        var after = new Stored(change.version(), balance, owner);
        try {
            if (stored.version() == 0) {
                dynamo.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#id)")
                        .expressionAttributeNames(Map.of("#id", ACCOUNT_ID)));
            } else {
                dynamo.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("#version = :expected")
                        .expressionAttributeNames(Map.of("#version", VERSION))
                        .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(stored.version())))));
            }
            written.put(table + "/" + change.accountId(), after);
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** Applies one account's events in version order. */
    public void applyAll(String table, List<BalanceChange> changes) {
        changes.stream().sorted(java.util.Comparator.comparingLong(BalanceChange::version))
                .forEach(change -> apply(table, change));
    }

    public long applied() {
        return applied.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long gapEventsRepaired() {
        return repaired.get();
    }
}
