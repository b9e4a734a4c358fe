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
            EventType.ACCOUNT_CREATED.typeName(), schema("AccountCreated", DomainEvent.SCHEMA_VERSION),
            EventType.BALANCE_CREDITED.typeName(), schema("BalanceCredited", DomainEvent.SCHEMA_VERSION),
            EventType.BALANCE_WITHDRAWN.typeName(), schema("BalanceWithdrawn", DomainEvent.SCHEMA_VERSION));
    private static final DomainEvent.Identity ALICE = new DomainEvent.Identity("https://id.example.com/", "alice");

    private static JsonSchema schema(String type, int version) {
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        return factory.getSchema(DomainEventCodecTest.class.getResourceAsStream("/schemas/" + type + ".v" + version + ".json"));
    }

    /** Events as version 1 of the contract published them, before owners, actors and request ids. */
    private static final String V1_CREATED = "{\"eventId\":\"0bccb2e0-e659-3e12-b552-823a8843224a\",\"type\":\"AccountCreated\","
            + "\"schemaVersion\":1,\"accountId\":\"41a68280-b21d-4b95-b530-7ac2421056b0\",\"version\":1,"
            + "\"occurredAt\":\"2026-11-26T15:06:38.111136418Z\",\"owner\":\"Ada\",\"balanceAfter\":\"0.00\","
            + "\"balanceAfterMinor\":0,\"idempotencyKey\":null}";
    private static final String V1_CREDITED = "{\"eventId\":\"0bccb2e0-e659-3e12-b552-823a8843224b\",\"type\":\"BalanceCredited\","
            + "\"schemaVersion\":1,\"accountId\":\"41a68280-b21d-4b95-b530-7ac2421056b0\",\"version\":2,"
            + "\"occurredAt\":\"2026-11-26T15:06:39Z\",\"amount\":\"100.00\",\"amountMinor\":10000,"
            + "\"balanceAfter\":\"100.00\",\"balanceAfterMinor\":10000,\"idempotencyKey\":\"k1\"}";

    @Test
    void version_1_events_still_validate_against_their_schema_and_read_with_the_display_name_moved() throws Exception {
        assertThat(schema("AccountCreated", 1).validate(JSON.readTree(V1_CREATED))).isEmpty();
        assertThat(schema("BalanceCredited", 1).validate(JSON.readTree(V1_CREDITED))).isEmpty();

        assertThat(DomainEventCodec.fromJson(V1_CREATED.getBytes(StandardCharsets.UTF_8))).isEqualTo(new AccountCreated(
                "0bccb2e0-e659-3e12-b552-823a8843224a", "41a68280-b21d-4b95-b530-7ac2421056b0", 1,
                Instant.parse("2026-11-26T15:06:38.111136418Z"), null, "Ada", null, null, null, null));
        assertThat(DomainEventCodec.fromJson(V1_CREDITED.getBytes(StandardCharsets.UTF_8))).isEqualTo(new BalanceCredited(
                "0bccb2e0-e659-3e12-b552-823a8843224b", "41a68280-b21d-4b95-b530-7ac2421056b0", 2,
                Instant.parse("2026-11-26T15:06:39Z"), 10_000, 10_000, null, null, null, "k1"));
    }

    @Test
    void a_version_3_account_created_names_its_owner_actor_request_and_correlation() {
        var event = new AccountCreated(DomainEvent.eventIdFor("3f2b8c1e-0000-4000-8000-000000000001", 1),
                "3f2b8c1e-0000-4000-8000-000000000001", 1, Instant.parse("2026-11-26T10:00:00Z"), ALICE, "Savings",
                ALICE, "req-1", "4bf92f3577b34da6a3ce929d0e0e4736", null);

        var tree = DomainEventCodec.toTree(event);

        assertThat(tree.get("schemaVersion").intValue()).isEqualTo(3);
        assertThat(tree.get("correlationId").textValue()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(tree.get("owner").toString()).isEqualTo("{\"issuer\":\"https://id.example.com/\",\"subject\":\"alice\"}");
        assertThat(tree.get("displayName").textValue()).isEqualTo("Savings");
        assertThat(tree.get("actor")).isEqualTo(tree.get("owner"));
        assertThat(tree.get("requestId").textValue()).isEqualTo("req-1");
        assertThat(SCHEMAS.get("AccountCreated").validate(tree)).isEmpty();
    }

    /** A withdrawal as version 2 of the contract published it, before correlation ids. */
    private static final String V2_WITHDRAWN = "{\"eventId\":\"0bccb2e0-e659-3e12-b552-823a8843224c\",\"type\":\"BalanceWithdrawn\","
            + "\"schemaVersion\":2,\"accountId\":\"41a68280-b21d-4b95-b530-7ac2421056b0\",\"version\":3,"
            + "\"occurredAt\":\"2026-12-01T09:00:00Z\",\"amount\":\"25.00\",\"amountMinor\":2500,"
            + "\"balanceAfter\":\"75.00\",\"balanceAfterMinor\":7500,"
            + "\"actor\":{\"issuer\":\"https://id.example.com/\",\"subject\":\"alice\"},\"requestId\":\"JKJaXmPLvHcESHA=\","
            + "\"idempotencyKey\":null}";

    @Test
    void a_version_2_event_still_validates_and_reads_its_request_id_as_its_correlation_id() throws Exception {
        assertThat(schema("BalanceWithdrawn", 2).validate(JSON.readTree(V2_WITHDRAWN))).isEmpty();

        assertThat(DomainEventCodec.fromJson(V2_WITHDRAWN.getBytes(StandardCharsets.UTF_8))).isEqualTo(new BalanceWithdrawn(
                "0bccb2e0-e659-3e12-b552-823a8843224c", "41a68280-b21d-4b95-b530-7ac2421056b0", 3,
                Instant.parse("2026-12-01T09:00:00Z"), 2_500, 7_500, ALICE, "JKJaXmPLvHcESHA=", "JKJaXmPLvHcESHA=", null));
    }

    @Test
    void a_version_2_event_with_an_owner_that_is_not_an_identity_is_malformed() {
        var json = V1_CREATED.replace("\"schemaVersion\":1", "\"schemaVersion\":2").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DomainEventCodec.fromJson(json))
                .isInstanceOfSatisfying(UnreadableDomainEventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
                .hasMessageContaining("field owner must be an object with issuer and subject, was \"Ada\"");
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
                "3f2b8c1e-0000-4000-8000-000000000001", 2, Instant.parse("2026-11-26T10:00:00Z"), 10_050, 10_050, ALICE, "req-9",
                "4bf92f3577b34da6a3ce929d0e0e4736", "k-1");

        assertThat(new String(DomainEventCodec.toJson(event), StandardCharsets.UTF_8)).isEqualTo(
                "{\"eventId\":\"" + event.eventId() + "\",\"type\":\"BalanceCredited\",\"schemaVersion\":3,"
                        + "\"accountId\":\"3f2b8c1e-0000-4000-8000-000000000001\",\"version\":2,"
                        + "\"occurredAt\":\"2026-11-26T10:00:00Z\",\"amount\":\"100.50\",\"amountMinor\":10050,"
                        + "\"balanceAfter\":\"100.50\",\"balanceAfterMinor\":10050,"
                        + "\"actor\":{\"issuer\":\"https://id.example.com/\",\"subject\":\"alice\"},\"requestId\":\"req-9\","
                        + "\"correlationId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"idempotencyKey\":\"k-1\"}");
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
                .isEqualTo(new AccountCreated("e", "a", 1, Instant.parse("2026-11-26T10:00:00Z"), null, "Ada", null, null, null, null));
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
        var json = "{\"type\":\"BalanceCredited\",\"schemaVersion\":4}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> DomainEventCodec.fromJson(json))
                .isInstanceOfSatisfying(UnreadableDomainEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NEWER_SCHEMA_VERSION))
                .hasMessageContaining("BalanceCredited has schema version 4");
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
        Arbitrary<DomainEvent.Identity> identities = Combinators.combine(
                        Arbitraries.of("https://id.example.com/", "https://cognito-idp.eu-west-1.amazonaws.com/pool"),
                        Arbitraries.strings().ofMinLength(1).ofMaxLength(20))
                .as(DomainEvent.Identity::new).injectNull(0.2);
        Arbitrary<String> requestIds = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30).injectNull(0.2);
        Arbitrary<DomainEvent> created = Combinators.combine(accounts, times, identities,
                        Arbitraries.strings().ofMaxLength(30).injectNull(0.3), identities, requestIds, keys)
                .as((a, t, owner, name, actor, r, k) -> new AccountCreated(DomainEvent.eventIdFor(a, 1), a, 1, t, owner, name, actor, r, correlation(r), k));
        Arbitrary<DomainEvent> credited = Combinators.combine(accounts, versions, times, amounts, balances, identities, requestIds, keys)
                .as((a, v, t, amount, balance, actor, r, k) -> new BalanceCredited(DomainEvent.eventIdFor(a, v), a, v, t, amount, balance, actor, r, correlation(r), k));
        Arbitrary<DomainEvent> withdrawn = Combinators.combine(accounts, versions, times, amounts, balances, identities, requestIds, keys)
                .as((a, v, t, amount, balance, actor, r, k) -> new BalanceWithdrawn(DomainEvent.eventIdFor(a, v), a, v, t, amount, balance, actor, r, correlation(r), k));
        return Arbitraries.oneOf(created, credited, withdrawn);
    }

    /** A correlation id for a request id: its own, or a trace id (the combinators take at most eight arbitraries). */
    private static String correlation(String requestId) {
        if (requestId == null) {
            return null;
        }
        return requestId.length() % 2 == 0 ? requestId : String.format("%032x", requestId.hashCode() & 0xffffffffL);
    }
}
