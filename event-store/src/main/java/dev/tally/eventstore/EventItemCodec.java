package dev.tally.eventstore;

import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountEvent.BalanceCredited;
import dev.tally.domain.AccountEvent.BalanceWithdrawn;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.EventType;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.tally.eventstore.EventTable.ACTOR_ISSUER;
import static dev.tally.eventstore.EventTable.ACTOR_SUBJECT;
import static dev.tally.eventstore.EventTable.AMOUNT_MINOR;
import static dev.tally.eventstore.EventTable.BALANCE_AFTER_MINOR;
import static dev.tally.eventstore.EventTable.DISPLAY_NAME;
import static dev.tally.eventstore.EventTable.EVENT_KIND;
import static dev.tally.eventstore.EventTable.ID;
import static dev.tally.eventstore.EventTable.IDEMPOTENCY_KEY;
import static dev.tally.eventstore.EventTable.KIND;
import static dev.tally.eventstore.EventTable.OCCURRED_AT;
import static dev.tally.eventstore.EventTable.OWNER_ISSUER;
import static dev.tally.eventstore.EventTable.OWNER_KEY;
import static dev.tally.eventstore.EventTable.OWNER_SUBJECT;
import static dev.tally.eventstore.EventTable.OWNER_V1;
import static dev.tally.eventstore.EventTable.REQUEST_ID;
import static dev.tally.eventstore.EventTable.CORRELATION_ID;
import static dev.tally.eventstore.EventTable.SCHEMA_VERSION;
import static dev.tally.eventstore.EventTable.SNAPSHOT;
import static dev.tally.eventstore.EventTable.TYPE;
import static dev.tally.eventstore.EventTable.VERSION;

/**
 * Turns events into DynamoDB items and back. The type names and attribute names written here are the storage
 * format: see the warning on {@link AccountEvent}.
 *
 * <p>Schema versions, all of them read:
 * <ul>
 *   <li><b>1</b>: AccountCreated's {@code Owner} is the display name; no actor, no request id.</li>
 *   <li><b>2</b>: AccountCreated records its owner ({@code OwnerIssuer}, {@code OwnerSubject}, and
 *   {@code OwnerKey} for the owners' index) and its {@code DisplayName}; every event records its actor
 *   ({@code ActorIssuer}, {@code ActorSubject}) and {@code RequestId}.</li>
 *   <li><b>3</b> (written): as 2, and every event records its {@code CorrelationId}. Read from version 2, the
 *   correlation id is the request id.</li>
 * </ul>
 * Snapshots follow the same numbering: version 1 keeps the display name in {@code Owner}, version 2 has
 * {@code DisplayName}, {@code OwnerIssuer} and {@code OwnerSubject}.
 */
public final class EventItemCodec {

    /** Schema version of the event attributes written; bump it (and keep reading the old ones) on any change. */
    public static final int EVENT_SCHEMA_VERSION = 3;
    /** Schema version of the snapshot map written. A snapshot of a version not read here is ignored and the state replayed. */
    public static final int SNAPSHOT_SCHEMA_VERSION = 2;

    private static final String SNAPSHOT_BALANCE_MINOR = "BalanceMinor";
    private static final String SNAPSHOT_OPENED_AT = "OpenedAt";

    private EventItemCodec() {
    }

    /**
     * The item for {@code event}, which moved the account to {@code after}. The snapshot of {@code after} is added
     * when {@code withSnapshot} is set.
     */
    public static Map<String, AttributeValue> encode(AccountEvent event, AccountState after, boolean withSnapshot,
                                                     EventMetadata metadata) {
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
                    putPrincipal(item, OWNER_ISSUER, OWNER_SUBJECT, created.owner());
                    item.put(OWNER_KEY, s(created.owner().key()));
                }
                if (created.displayName() != null) {
                    item.put(DISPLAY_NAME, s(created.displayName()));
                }
            }
            case BalanceCredited credited -> item.put(AMOUNT_MINOR, n(credited.amount().minorUnits()));
            case BalanceWithdrawn withdrawn -> item.put(AMOUNT_MINOR, n(withdrawn.amount().minorUnits()));
        }
        metadata.actor().ifPresent(actor -> putPrincipal(item, ACTOR_ISSUER, ACTOR_SUBJECT, actor));
        metadata.requestId().ifPresent(id -> item.put(REQUEST_ID, s(id)));
        metadata.correlationId().ifPresent(id -> item.put(CORRELATION_ID, s(id)));
        metadata.idempotencyKey().ifPresent(key -> item.put(IDEMPOTENCY_KEY, s(key)));
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
        if (schema < 1 || schema > EVENT_SCHEMA_VERSION) {
            throw new UnreadableEventException("event " + accountId + "/" + version + " of type " + type
                    + " has schema version " + schema + "; this code reads versions 1 to " + EVENT_SCHEMA_VERSION);
        }
        var kind = EventType.named(type).orElseThrow(() -> new UnreadableEventException("event " + accountId + "/" + version
                + " has unknown type " + type + "; this code reads " + EventType.known()));
        var occurredAt = instant(item, OCCURRED_AT);
        AccountEvent event = switch (kind) {
            case ACCOUNT_CREATED -> schema == 1
                    ? new AccountCreated(accountId, null, optionalString(item, OWNER_V1), occurredAt)
                    : new AccountCreated(accountId, principal(item, OWNER_ISSUER, OWNER_SUBJECT).orElse(null),
                    optionalString(item, DISPLAY_NAME), occurredAt);
            case BALANCE_CREDITED -> new BalanceCredited(accountId, Money.ofMinor(number(item, AMOUNT_MINOR)), occurredAt);
            case BALANCE_WITHDRAWN -> new BalanceWithdrawn(accountId, Money.ofMinor(number(item, AMOUNT_MINOR)), occurredAt);
        };
        var requestId = Optional.ofNullable(optionalString(item, REQUEST_ID));
        var metadata = new EventMetadata(principal(item, ACTOR_ISSUER, ACTOR_SUBJECT), requestId,
                schema >= 3 ? Optional.ofNullable(optionalString(item, CORRELATION_ID)) : requestId,
                Optional.ofNullable(optionalString(item, IDEMPOTENCY_KEY)));
        return new RecordedEvent(version, event, Money.ofMinor(number(item, BALANCE_AFTER_MINOR)), metadata);
    }

    /** The state stored on the item, or empty if it has no snapshot or one of a schema version this code does not know. */
    public static Optional<AccountState> decodeSnapshot(Map<String, AttributeValue> item) {
        var snapshot = item.get(SNAPSHOT);
        if (snapshot == null || !snapshot.hasM()) {
            return Optional.empty();
        }
        var map = snapshot.m();
        var schema = map.get(SCHEMA_VERSION);
        var known = schema == null || schema.n() == null ? null : switch (schema.n()) {
            case "1" -> 1;
            case "2" -> 2;
            default -> null;
        };
        if (known == null) {
            return Optional.empty();
        }
        return Optional.of(new AccountState(
                AccountId.parse(string(item, ID)),
                number(item, VERSION),
                known == 1 ? null : principal(map, OWNER_ISSUER, OWNER_SUBJECT).orElse(null),
                optionalString(map, known == 1 ? OWNER_V1 : DISPLAY_NAME),
                Money.ofMinor(number(map, SNAPSHOT_BALANCE_MINOR)),
                instant(map, SNAPSHOT_OPENED_AT)));
    }

    private static Map<String, AttributeValue> encodeSnapshot(AccountState state) {
        var map = new HashMap<String, AttributeValue>();
        map.put(SCHEMA_VERSION, n(SNAPSHOT_SCHEMA_VERSION));
        map.put(SNAPSHOT_BALANCE_MINOR, n(state.balance().minorUnits()));
        map.put(SNAPSHOT_OPENED_AT, s(state.openedAt().toString()));
        if (state.owner() != null) {
            putPrincipal(map, OWNER_ISSUER, OWNER_SUBJECT, state.owner());
        }
        if (state.displayName() != null) {
            map.put(DISPLAY_NAME, s(state.displayName()));
        }
        return map;
    }

    private static void putPrincipal(Map<String, AttributeValue> item, String issuer, String subject, Principal principal) {
        item.put(issuer, s(principal.issuer()));
        item.put(subject, s(principal.subject()));
    }

    /** The principal stored in the two attributes, empty if neither is there. */
    private static Optional<Principal> principal(Map<String, AttributeValue> item, String issuer, String subject) {
        var iss = optionalString(item, issuer);
        var sub = optionalString(item, subject);
        if (iss == null && sub == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Principal(iss, sub));
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new UnreadableEventException("item " + describe(item) + " has a broken principal in " + issuer
                    + "/" + subject + ": " + e.getMessage());
        }
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
