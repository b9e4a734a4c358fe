package dev.tally.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.tally.contracts.DomainEvent.AccountCreated;
import dev.tally.contracts.DomainEvent.BalanceCredited;
import dev.tally.contracts.DomainEvent.BalanceWithdrawn;
import dev.tally.contracts.UnreadableDomainEventException.Reason;
import dev.tally.domain.EventType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(ReplaceUnderscores.class)
class DomainEventCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonSchema> SCHEMAS = Map.of(
            EventType.ACCOUNT_CREATED.typeName(), schema("AccountCreated"),
            EventType.BALANCE_CREDITED.typeName(), schema("BalanceCredited"),
            EventType.BALANCE_WITHDRAWN.typeName(), schema("BalanceWithdrawn"));

    private static JsonSchema schema(String type) {
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        return factory.getSchema(DomainEventCodecTest.class.getResourceAsStream("/schemas/" + type + ".v1.json"));
    }

    @Property(tries = 300)
    void every_encoded_event_validates_against_its_schema_and_decodes_to_itself(@ForAll("events") DomainEvent event)
            throws Exception {
        var json = DomainEventCodec.toJson(event);

        var errors = SCHEMAS.get(event.type()).validate(JSON.readTree(json));
        assertThat(errors).as(new String(json, StandardCharsets.UTF_8)).isEmpty();
        assertThat(DomainEventCodec.fromJson(json)).isEqualTo(event);
    }

    @Test
    void the_wire_form_has_stable_names_and_exact_decimals() {
        var event = new BalanceCredited(DomainEvent.eventIdFor("3f2b8c1e-0000-4000-8000-000000000001", 2),
                "3f2b8c1e-0000-4000-8000-000000000001", 2, Instant.parse("2026-11-26T10:00:00Z"), 10_050, 10_050, "k-1");

        assertThat(new String(DomainEventCodec.toJson(event), StandardCharsets.UTF_8)).isEqualTo(
                "{\"eventId\":\"" + event.eventId() + "\",\"type\":\"BalanceCredited\",\"schemaVersion\":1,"
                        + "\"accountId\":\"3f2b8c1e-0000-4000-8000-000000000001\",\"version\":2,"
                        + "\"occurredAt\":\"2026-11-26T10:00:00Z\",\"amount\":\"100.50\",\"amountMinor\":10050,"
                        + "\"balanceAfter\":\"100.50\",\"balanceAfterMinor\":10050,\"idempotencyKey\":\"k-1\"}");
    }

    @Test
    void event_ids_are_deterministic_per_account_and_version() {
        assertThat(DomainEvent.eventIdFor("a", 1)).isEqualTo(DomainEvent.eventIdFor("a", 1))
                .isNotEqualTo(DomainEvent.eventIdFor("a", 2)).isNotEqualTo(DomainEvent.eventIdFor("b", 1));
    }

    @Test
    void readers_ignore_fields_they_do_not_know() {
        var json = ("{\"eventId\":\"e\",\"type\":\"AccountCreated\",\"schemaVersion\":1,\"accountId\":\"a\",\"version\":1,"
                + "\"occurredAt\":\"2026-11-26T10:00:00Z\",\"owner\":\"Ada\",\"balanceAfter\":\"0.00\",\"balanceAfterMinor\":0,"
                + "\"idempotencyKey\":null,\"addedLater\":{\"x\":1}}").getBytes(StandardCharsets.UTF_8);

        assertThat(DomainEventCodec.fromJson(json))
                .isEqualTo(new AccountCreated("e", "a", 1, Instant.parse("2026-11-26T10:00:00Z"), "Ada", null));
    }

    @Test
    void an_unknown_type_is_reported_by_name() {
        var json = "{\"type\":\"AccountClosed\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DomainEventCodec.fromJson(json))
                .isInstanceOfSatisfying(UnreadableDomainEventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE))
                .hasMessageContaining("unknown event type AccountClosed");
    }

    @Test
    void a_newer_schema_version_is_reported_as_such() {
        var json = "{\"type\":\"BalanceCredited\",\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DomainEventCodec.fromJson(json))
                .isInstanceOfSatisfying(UnreadableDomainEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NEWER_SCHEMA_VERSION))
                .hasMessageContaining("BalanceCredited has schema version 2");
    }

    @Test
    void malformed_input_is_reported_with_a_preview() {
        assertThatThrownBy(() -> DomainEventCodec.fromJson("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(UnreadableDomainEventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                .hasMessageContaining("nope");
    }

    @Provide
    Arbitrary<DomainEvent> events() {
        Arbitrary<String> accounts = Arbitraries.create(() -> UUID.randomUUID().toString());
        Arbitrary<Long> versions = Arbitraries.longs().between(1, 1_000_000);
        Arbitrary<Instant> times = Arbitraries.longs().between(0, 4_000_000_000L).flatMap(
                seconds -> Arbitraries.integers().between(0, 999_999_999).map(nanos -> Instant.ofEpochSecond(seconds, nanos)));
        Arbitrary<Long> amounts = Arbitraries.longs().between(1, 100_000_000_000L);
        Arbitrary<Long> balances = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<String> keys = Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(40).injectNull(0.5);
        Arbitrary<DomainEvent> created = Combinators.combine(accounts, times, Arbitraries.strings().ofMaxLength(30).injectNull(0.3), keys)
                .as((a, t, owner, k) -> new AccountCreated(DomainEvent.eventIdFor(a, 1), a, 1, t, owner, k));
        Arbitrary<DomainEvent> credited = Combinators.combine(accounts, versions, times, amounts, balances, keys)
                .as((a, v, t, amount, balance, k) -> new BalanceCredited(DomainEvent.eventIdFor(a, v), a, v, t, amount, balance, k));
        Arbitrary<DomainEvent> withdrawn = Combinators.combine(accounts, versions, times, amounts, balances, keys)
                .as((a, v, t, amount, balance, k) -> new BalanceWithdrawn(DomainEvent.eventIdFor(a, v), a, v, t, amount, balance, k));
        return Arbitraries.oneOf(created, credited, withdrawn);
    }
}
