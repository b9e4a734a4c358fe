package dev.tally.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.contracts.DomainEvent.AccountCreated;
import dev.tally.contracts.DomainEvent.BalanceCredited;
import dev.tally.contracts.DomainEvent.BalanceWithdrawn;
import dev.tally.contracts.UnreadableDomainEventException.Reason;
import dev.tally.domain.EventType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Published events to JSON and back, field by field, so that the wire names are written here and nowhere else.
 * Readers ignore fields they do not know (a later schema may add some) and refuse, by name, types and schema
 * versions they do not know.
 */
public final class DomainEventCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DomainEventCodec() {
    }

    public static byte[] toJson(DomainEvent event) {
        try {
            return JSON.writeValueAsBytes(toTree(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event, e);
        }
    }

    public static ObjectNode toTree(DomainEvent event) {
        var node = JSON.createObjectNode()
                .put("eventId", event.eventId())
                .put("type", event.type())
                .put("schemaVersion", event.schemaVersion())
                .put("accountId", event.accountId())
                .put("version", event.version())
                .put("occurredAt", event.occurredAt().toString());
        switch (event) {
            case AccountCreated created -> {
                putIdentity(node, "owner", created.owner());
                node.put("displayName", created.displayName());
            }
            case BalanceCredited credited -> node.put("amount", credited.amount()).put("amountMinor", credited.amountMinor());
            case BalanceWithdrawn withdrawn -> node.put("amount", withdrawn.amount()).put("amountMinor", withdrawn.amountMinor());
        }
        node.put("balanceAfter", event.balanceAfter()).put("balanceAfterMinor", event.balanceAfterMinor());
        putIdentity(node, "actor", event.actor());
        node.put("requestId", event.requestId());
        node.put("correlationId", event.correlationId());
        node.put("idempotencyKey", event.idempotencyKey());
        return node;
    }

    private static void putIdentity(ObjectNode node, String field, DomainEvent.Identity identity) {
        if (identity == null) {
            node.putNull(field);
        } else {
            node.putObject(field).put("issuer", identity.issuer()).put("subject", identity.subject());
        }
    }

    /** @throws UnreadableDomainEventException naming what could not be read */
    public static DomainEvent fromJson(byte[] json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "not JSON: " + preview(json), e);
        }
        if (node == null || !node.isObject()) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "not a JSON object: " + preview(json), null);
        }
        var type = text(node, "type");
        int schemaVersion = (int) number(node, "schemaVersion");
        var kind = EventType.named(type).orElseThrow(() -> new UnreadableDomainEventException(Reason.UNKNOWN_TYPE,
                "unknown event type " + type + " (schema version " + schemaVersion + "); this reader knows " + EventType.known(), null));
        if (schemaVersion > DomainEvent.SCHEMA_VERSION) {
            throw new UnreadableDomainEventException(Reason.NEWER_SCHEMA_VERSION, type + " has schema version "
                    + schemaVersion + "; this reader knows up to " + DomainEvent.SCHEMA_VERSION + ": upgrade the consumer", null);
        }
        var eventId = text(node, "eventId");
        var accountId = text(node, "accountId");
        long version = number(node, "version");
        var occurredAt = instant(node, "occurredAt");
        if (schemaVersion < 1) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, type + " has schema version " + schemaVersion
                    + "; versions start at 1", null);
        }
        var key = optionalText(node, "idempotencyKey");
        // Version 1 has no actor and no request id, and its AccountCreated "owner" is the display name.
        boolean v1 = schemaVersion == 1;
        var actor = v1 ? null : optionalIdentity(node, "actor");
        var requestId = v1 ? null : optionalText(node, "requestId");
        // Version 2 has no correlation id: without traceparent support, the request id was the correlation.
        var correlationId = schemaVersion >= 3 ? optionalText(node, "correlationId") : requestId;
        return switch (kind) {
            case ACCOUNT_CREATED -> v1
                    ? new AccountCreated(eventId, accountId, version, occurredAt, null, optionalText(node, "owner"),
                    null, null, null, key)
                    : new AccountCreated(eventId, accountId, version, occurredAt, optionalIdentity(node, "owner"),
                    optionalText(node, "displayName"), actor, requestId, correlationId, key);
            case BALANCE_CREDITED -> new BalanceCredited(eventId, accountId, version, occurredAt,
                    number(node, "amountMinor"), number(node, "balanceAfterMinor"), actor, requestId, correlationId, key);
            case BALANCE_WITHDRAWN -> new BalanceWithdrawn(eventId, accountId, version, occurredAt,
                    number(node, "amountMinor"), number(node, "balanceAfterMinor"), actor, requestId, correlationId, key);
        };
    }

    /** A string or null; anything else is malformed. */
    private static String optionalText(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "field " + field + " must be a string or null, was " + value, null);
        }
        return value.textValue();
    }

    /** An {@code {issuer, subject}} object or null; anything else is malformed. */
    private static DomainEvent.Identity optionalIdentity(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "field " + field + " must be an object with issuer and subject, was " + value, null);
        }
        return new DomainEvent.Identity(text(value, "issuer"), text(value, "subject"));
    }

    private static String text(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "field " + field + " must be a string, was " + value, null);
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "field " + field + " must be a whole number, was " + value, null);
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode node, String field) {
        var text = text(node, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UnreadableDomainEventException(Reason.MALFORMED, "field " + field + " must be an ISO-8601 UTC instant, was " + text, e);
        }
    }

    private static String preview(byte[] json) {
        // what a log line or a dead letter's reason can show: control characters and undecodable bytes as '?'
        var text = new String(json, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}\uFFFD]", "?");
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
