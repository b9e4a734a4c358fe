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
            case AccountCreated created -> node.put("owner", created.owner());
            case BalanceCredited credited -> node.put("amount", credited.amount()).put("amountMinor", credited.amountMinor());
            case BalanceWithdrawn withdrawn -> node.put("amount", withdrawn.amount()).put("amountMinor", withdrawn.amountMinor());
        }
        node.put("balanceAfter", event.balanceAfter()).put("balanceAfterMinor", event.balanceAfterMinor());
        node.put("idempotencyKey", event.idempotencyKey());
        return node;
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
        var key = node.path("idempotencyKey").isTextual() ? node.get("idempotencyKey").textValue() : null;
        return switch (kind) {
            case ACCOUNT_CREATED -> new AccountCreated(eventId, accountId, version, occurredAt,
                    node.path("owner").isTextual() ? node.get("owner").textValue() : null, key);
            case BALANCE_CREDITED -> new BalanceCredited(eventId, accountId, version, occurredAt,
                    number(node, "amountMinor"), number(node, "balanceAfterMinor"), key);
            case BALANCE_WITHDRAWN -> new BalanceWithdrawn(eventId, accountId, version, occurredAt,
                    number(node, "amountMinor"), number(node, "balanceAfterMinor"), key);
        };
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
        var text = new String(json, StandardCharsets.UTF_8);
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
