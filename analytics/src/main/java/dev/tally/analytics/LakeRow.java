package dev.tally.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.contracts.DomainEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One domain event flattened into a lake row. Amounts are exact minor units; {@code amount} is 0 for
 * {@code AccountCreated}, which moves no money. Timestamps are written naive UTC as
 * {@code yyyy-MM-dd HH:mm:ss.SSS}, the form Firehose's OpenX JSON deserializer and Athena's Parquet reader accept
 * for a {@code timestamp} column (ISO-8601 with {@code T} and {@code Z} is not portable).
 *
 * @param actorIssuer  who caused the event (the token's issuer), or null for events stored before actors were recorded
 * @param actorSubject who caused the event (the token's subject), or null likewise
 * @param requestId    the API request that caused the event, or null likewise
 * @param ownerIssuer  for AccountCreated: who opened the account (issuer), or null; null for other types
 * @param ownerSubject likewise, the subject
 * @param displayName  for AccountCreated: the name given at opening, or null; null for other types
 * @param idempotencyKey the command's Idempotency-Key, or null
 * @param correlationId the correlation id of the request that caused the event, or null where the request id is
 */
public record LakeRow(String eventId, String accountId, long version, String type, long amount, long balanceAfter,
                      Instant occurredAt, String actorIssuer, String actorSubject, String requestId, String ownerIssuer,
                      String ownerSubject, String displayName, String idempotencyKey, String correlationId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    public static LakeRow of(DomainEvent event) {
        long amount = switch (event) {
            case DomainEvent.AccountCreated created -> 0;
            case DomainEvent.BalanceCredited credited -> credited.amountMinor();
            case DomainEvent.BalanceWithdrawn withdrawn -> withdrawn.amountMinor();
        };
        var actor = event.actor();
        var owner = event instanceof DomainEvent.AccountCreated created ? created.owner() : null;
        var displayName = event instanceof DomainEvent.AccountCreated created ? created.displayName() : null;
        return new LakeRow(event.eventId(), event.accountId(), event.version(), event.type(), amount,
                event.balanceAfterMinor(), event.occurredAt(), actor == null ? null : actor.issuer(),
                actor == null ? null : actor.subject(), event.requestId(), owner == null ? null : owner.issuer(),
                owner == null ? null : owner.subject(), displayName, event.idempotencyKey(), event.correlationId());
    }

    public LocalDate eventDate() {
        return LocalDate.ofInstant(occurredAt, ZoneOffset.UTC);
    }

    /** The row as one line of newline-delimited JSON, the newline included, as Firehose receives it. */
    public byte[] toJsonLine() {
        ObjectNode node = JSON.createObjectNode()
                .put(LakeTable.EVENT_ID, eventId)
                .put(LakeTable.ACCOUNT_ID, accountId)
                .put(LakeTable.VERSION, version)
                .put(LakeTable.TYPE, type)
                .put(LakeTable.AMOUNT, amount)
                .put(LakeTable.BALANCE_AFTER, balanceAfter)
                .put(LakeTable.OCCURRED_AT, TIMESTAMP.format(occurredAt))
                .put(LakeTable.ACTOR_ISSUER, actorIssuer)
                .put(LakeTable.ACTOR_SUBJECT, actorSubject)
                .put(LakeTable.REQUEST_ID, requestId)
                .put(LakeTable.OWNER_ISSUER, ownerIssuer)
                .put(LakeTable.OWNER_SUBJECT, ownerSubject)
                .put(LakeTable.DISPLAY_NAME, displayName)
                .put(LakeTable.IDEMPOTENCY_KEY, idempotencyKey)
                .put(LakeTable.CORRELATION_ID, correlationId)
                .put(LakeTable.EVENT_DATE, eventDate().toString());
        return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
