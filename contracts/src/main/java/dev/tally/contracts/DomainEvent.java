package dev.tally.contracts;

import dev.tally.domain.EventType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The events Tally publishes on the {@code domain-events} Kinesis stream, one per event in an account's history.
 *
 * <p><b>This is a public contract.</b> Subscribers store and compare these names and fields. The type names
 * ({@link EventType}: {@code AccountCreated}, {@code BalanceCredited}, {@code BalanceWithdrawn}) and JSON field
 * names never change; a change of meaning is a new schema version, announced before it is published. The JSON Schemas are in
 * {@code contracts/src/main/resources/schemas}. These records are separate from the write model's events, so the
 * write side can change how it stores rows without breaking subscribers.
 *
 * <p>Amounts are exact: minor units ({@code amountMinor}) and the same value as a decimal string ({@code amount}).
 *
 * <p>Schema versions, all of them read by {@link DomainEventCodec}:
 * <ul>
 *   <li><b>1</b>: AccountCreated's {@code owner} is the display name given at creation.</li>
 *   <li><b>2</b>: AccountCreated's {@code owner} is who opened the account ({@code {issuer, subject}}) and
 *   {@code displayName} the name; every event carries its {@code actor} ({@code {issuer, subject}}) and the API
 *   {@code requestId}. Read from version 1, these are null.</li>
 *   <li><b>3</b> (written): as 2, and every event carries its {@code correlationId}: the id that follows the request
 *   through every part's logs (the trace id of its {@code traceparent}, else its request id). Read from version 2, it
 *   is the request id, which is what it was then; from version 1, null.</li>
 * </ul>
 */
public sealed interface DomainEvent {

    /** The schema version this code writes, for every type. */
    int SCHEMA_VERSION = 3;

    /** An identity as the token that carried it named it: issuer and subject. */
    record Identity(String issuer, String subject) {
        public Identity {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(subject, "subject");
        }
    }

    /** Deterministic from account and version, so a re-published event is recognisable as the same one. */
    String eventId();

    /** The kind of event; its {@link EventType#typeName()} is the published {@code type}. */
    EventType eventType();

    /** The published type name. */
    default String type() {
        return eventType().typeName();
    }

    String accountId();

    /** The event's version in its account's history: 1, 2, 3, ... with no gaps. */
    long version();

    Instant occurredAt();

    long balanceAfterMinor();

    /** The idempotency key of the command that caused the event, or null. */
    String idempotencyKey();

    /** Who caused the event; null for events stored before actors were recorded. */
    Identity actor();

    /** The id of the API request that caused the event; null for events stored before request ids were recorded. */
    String requestId();

    /** The correlation id of the request that caused the event; null where its request id is. */
    String correlationId();

    default int schemaVersion() {
        return SCHEMA_VERSION;
    }

    default String balanceAfter() {
        return decimal(balanceAfterMinor());
    }

    /** A name-based (version 3) UUID of {@code accountId/version}. */
    static String eventIdFor(String accountId, long version) {
        return UUID.nameUUIDFromBytes(("tally/" + accountId + "/" + version).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String decimal(long minorUnits) {
        return BigDecimal.valueOf(minorUnits, 2).toPlainString();
    }

    /**
     * @param owner       who opened the account; null for accounts opened before owners were recorded
     * @param displayName the name given at creation, or null
     */
    record AccountCreated(String eventId, String accountId, long version, Instant occurredAt, Identity owner,
                          String displayName, Identity actor, String requestId, String correlationId,
                          String idempotencyKey)
            implements DomainEvent {
        public AccountCreated {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }

        @Override
        public EventType eventType() {
            return EventType.ACCOUNT_CREATED;
        }

        @Override
        public long balanceAfterMinor() {
            return 0;
        }
    }

    record BalanceCredited(String eventId, String accountId, long version, Instant occurredAt, long amountMinor,
                           long balanceAfterMinor, Identity actor, String requestId, String correlationId,
                          String idempotencyKey)
            implements DomainEvent {
        public BalanceCredited {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }

        @Override
        public EventType eventType() {
            return EventType.BALANCE_CREDITED;
        }

        public String amount() {
            return decimal(amountMinor);
        }
    }

    record BalanceWithdrawn(String eventId, String accountId, long version, Instant occurredAt, long amountMinor,
                            long balanceAfterMinor, Identity actor, String requestId, String correlationId,
                          String idempotencyKey)
            implements DomainEvent {
        public BalanceWithdrawn {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }

        @Override
        public EventType eventType() {
            return EventType.BALANCE_WITHDRAWN;
        }

        public String amount() {
            return decimal(amountMinor);
        }
    }
}
