package dev.tally.eventstore;

import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.EventType;
import dev.tally.domain.Money;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.tally.eventstore.EventTable.AMOUNT_MINOR;
import static dev.tally.eventstore.EventTable.BALANCE_AFTER_MINOR;
import static dev.tally.eventstore.EventTable.EVENT_KIND;
import static dev.tally.eventstore.EventTable.ID;
import static dev.tally.eventstore.EventTable.IDEMPOTENCY_KEY;
import static dev.tally.eventstore.EventTable.KIND;
import static dev.tally.eventstore.EventTable.OCCURRED_AT;
import static dev.tally.eventstore.EventTable.OWNER;
import static dev.tally.eventstore.EventTable.SCHEMA_VERSION;
import static dev.tally.eventstore.EventTable.SNAPSHOT;
import static dev.tally.eventstore.EventTable.TYPE;
import static dev.tally.eventstore.EventTable.VERSION;

/**
 * Turns events into DynamoDB items and back. The type names and attribute names written here are the storage
 * format: see the warning on {@link AccountEvent}.
 */
public final class EventItemCodec {

    /** Schema version of the event attributes; bump it (and keep reading the old one) on any change. */
    public static final int EVENT_SCHEMA_VERSION = 1;
    /** Schema version of the snapshot map. A snapshot of another version is ignored and the state replayed. */
    public static final int SNAPSHOT_SCHEMA_VERSION = 1;

    private static final String SNAPSHOT_BALANCE_MINOR = "BalanceMinor";
    private static final String SNAPSHOT_OPENED_AT = "OpenedAt";

    private EventItemCodec() {
    }

    /**
     * The item for {@code event}, which moved the account to {@code after}. The snapshot of {@code after} is added
     * when {@code withSnapshot} is set.
     */
    public static Map<String, AttributeValue> encode(AccountEvent event, AccountState after, boolean withSnapshot,
                                                     Optional<String> idempotencyKey) {
        var item = new HashMap<String, AttributeValue>();
        item.put(ID, s(after.accountId().toString()));
        item.put(VERSION, n(after.version()));
        item.put(KIND, s(EVENT_KIND));
        item.put(SCHEMA_VERSION, n(EVENT_SCHEMA_VERSION));
        item.put(OCCURRED_AT, s(event.occurredAt().toString()));
        item.put(BALANCE_AFTER_MINOR, n(after.balance().minorUnits()));
        item.put(TYPE, s(EventType.of(event).typeName()));
        switch (event) {
            case AccountCreated created -> {
                if (created.owner() != null) {
                    item.put(OWNER, s(created.owner()));
                }
            }
            case BalanceCredited credited -> item.put(AMOUNT_MINOR, n(credited.amount().minorUnits()));
            case BalanceWithdrawn withdrawn -> item.put(AMOUNT_MINOR, n(withdrawn.amount().minorUnits()));
        }
        idempotencyKey.ifPresent(key -> item.put(IDEMPOTENCY_KEY, s(key)));
        if (withSnapshot) {
            item.put(SNAPSHOT, AttributeValue.fromM(encodeSnapshot(after)));
        }
        return item;
    }

    /** True for items written by {@link #encode}; the table may hold other kinds in future. */
    public static boolean isEvent(Map<String, AttributeValue> item) {
        var kind = item.get(KIND);
        return kind != null && EVENT_KIND.equals(kind.s());
    }

    /** @throws UnreadableEventException naming the item when its type or schema version is unknown */
    public static RecordedEvent decode(Map<String, AttributeValue> item) {
        var accountId = AccountId.parse(string(item, ID));
        long version = number(item, VERSION);
        var type = string(item, TYPE);
        long schema = number(item, SCHEMA_VERSION);
        if (schema != EVENT_SCHEMA_VERSION) {
            throw new UnreadableEventException("event " + accountId + "/" + version + " of type " + type
                    + " has schema version " + schema + "; this code reads version " + EVENT_SCHEMA_VERSION);
        }
        var kind = EventType.named(type).orElseThrow(() -> new UnreadableEventException("event " + accountId + "/" + version
                + " has unknown type " + type + "; this code reads " + EventType.known()));
        var occurredAt = instant(item, OCCURRED_AT);
        AccountEvent event = switch (kind) {
            case ACCOUNT_CREATED -> new AccountCreated(accountId, optionalString(item, OWNER), occurredAt);
            case BALANCE_CREDITED -> new BalanceCredited(accountId, Money.ofMinor(number(item, AMOUNT_MINOR)), occurredAt);
            case BALANCE_WITHDRAWN -> new BalanceWithdrawn(accountId, Money.ofMinor(number(item, AMOUNT_MINOR)), occurredAt);
        };
        return new RecordedEvent(version, event, Money.ofMinor(number(item, BALANCE_AFTER_MINOR)),
                Optional.ofNullable(optionalString(item, IDEMPOTENCY_KEY)));
    }

    /** The state stored on the item, or empty if it has no snapshot or one of a schema version this code does not know. */
    public static Optional<AccountState> decodeSnapshot(Map<String, AttributeValue> item) {
        var snapshot = item.get(SNAPSHOT);
        if (snapshot == null || !snapshot.hasM()) {
            return Optional.empty();
        }
        var map = snapshot.m();
        var schema = map.get(SCHEMA_VERSION);
        if (schema == null || schema.n() == null || !String.valueOf(SNAPSHOT_SCHEMA_VERSION).equals(schema.n())) {
            return Optional.empty();
        }
        return Optional.of(new AccountState(
                AccountId.parse(string(item, ID)),
                number(item, VERSION),
                optionalString(map, OWNER),
                Money.ofMinor(number(map, SNAPSHOT_BALANCE_MINOR)),
                instant(map, SNAPSHOT_OPENED_AT)));
    }

    private static Map<String, AttributeValue> encodeSnapshot(AccountState state) {
        var map = new HashMap<String, AttributeValue>();
        map.put(SCHEMA_VERSION, n(SNAPSHOT_SCHEMA_VERSION));
        map.put(SNAPSHOT_BALANCE_MINOR, n(state.balance().minorUnits()));
        map.put(SNAPSHOT_OPENED_AT, s(state.openedAt().toString()));
        if (state.owner() != null) {
            map.put(OWNER, s(state.owner()));
        }
        return map;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        var value = optionalString(item, name);
        if (value == null) {
            throw new UnreadableEventException("item " + describe(item) + " lacks string attribute " + name);
        }
        return value;
    }

    private static String optionalString(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private static String describe(Map<String, AttributeValue> item) {
        var id = item.get(ID);
        var version = item.get(VERSION);
        return (id == null ? "?" : id.s()) + "/" + (version == null ? "?" : version.n());
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        if (value == null || value.n() == null) {
            throw new UnreadableEventException("item " + describe(item) + " lacks number attribute " + name);
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            throw new UnreadableEventException("attribute " + name + " is not a whole number: " + value.n());
        }
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        var text = string(item, name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UnreadableEventException("attribute " + name + " is not an ISO-8601 instant: " + text);
        }
    }
}
