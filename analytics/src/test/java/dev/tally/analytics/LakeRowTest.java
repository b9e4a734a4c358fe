package dev.tally.analytics;

import dev.tally.contracts.DomainEvent;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeRowTest {

    static final String ACCOUNT = "0a000000-0000-4000-8000-000000000001";

    @Test
    void a_withdrawal_becomes_one_json_line_with_exact_amounts_and_naive_utc_time() {
        var event = new DomainEvent.BalanceWithdrawn(DomainEvent.eventIdFor(ACCOUNT, 7), ACCOUNT, 7,
                Instant.parse("2026-03-01T23:59:59.999Z"), 9_223_372_036_854_775_807L, 0,
                new DomainEvent.Identity("https://id.example.com/", "alice"), "req-1", "4bf92f3577b34da6a3ce929d0e0e4736", "key-1");
        var line = new String(LakeRow.of(event).toJsonLine(), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"event_id\":\"" + DomainEvent.eventIdFor(ACCOUNT, 7) + "\",\"account_id\":\"" + ACCOUNT
                + "\",\"version\":7,\"type\":\"BalanceWithdrawn\",\"amount\":9223372036854775807,\"balance_after\":0,"
                + "\"occurred_at\":\"2026-03-01 23:59:59.999\",\"actor_issuer\":\"https://id.example.com/\","
                + "\"actor_subject\":\"alice\",\"request_id\":\"req-1\",\"owner_issuer\":null,\"owner_subject\":null,"
                + "\"display_name\":null,\"idempotency_key\":\"key-1\",\"correlation_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"event_date\":\"2026-03-01\"}\n");
    }

    @Test
    void an_opening_moves_no_money_and_the_event_date_is_the_utc_date() {
        var event = new DomainEvent.AccountCreated(DomainEvent.eventIdFor(ACCOUNT, 1), ACCOUNT, 1,
                Instant.parse("2026-03-02T00:00:00Z"), null, "Alice", null, null, null, null);
        var row = LakeRow.of(event);
        assertThat(row.amount()).isZero();
        assertThat(row.balanceAfter()).isZero();
        assertThat(row.eventDate()).hasToString("2026-03-02");
        assertThat(new String(row.toJsonLine(), StandardCharsets.UTF_8)).contains("\"occurred_at\":\"2026-03-02 00:00:00.000\"",
                "\"actor_issuer\":null,\"actor_subject\":null,\"request_id\":null");
    }

    @Test
    void an_opening_keeps_its_owner_and_display_name() {
        var event = new DomainEvent.AccountCreated(DomainEvent.eventIdFor(ACCOUNT, 1), ACCOUNT, 1,
                Instant.parse("2026-03-02T00:00:00Z"), new DomainEvent.Identity("https://id.example.com/", "alice"),
                "Alice's savings", null, null, null, null);
        assertThat(new String(LakeRow.of(event).toJsonLine(), StandardCharsets.UTF_8)).contains(
                "\"owner_issuer\":\"https://id.example.com/\",\"owner_subject\":\"alice\",\"display_name\":\"Alice's savings\"");
    }

    @Test
    void a_version_1_event_as_once_published_becomes_a_row_without_an_actor() {
        var json = ("{\"eventId\":\"" + DomainEvent.eventIdFor(ACCOUNT, 2) + "\",\"type\":\"BalanceCredited\","
                + "\"schemaVersion\":1,\"accountId\":\"" + ACCOUNT + "\",\"version\":2,\"occurredAt\":\"2026-03-01T10:00:00Z\","
                + "\"amount\":\"1.50\",\"amountMinor\":150,\"balanceAfter\":\"1.50\",\"balanceAfterMinor\":150,"
                + "\"idempotencyKey\":\"k\"}").getBytes(StandardCharsets.UTF_8);

        var row = LakeRow.of(dev.tally.contracts.DomainEventCodec.fromJson(json));

        assertThat(row).isEqualTo(new LakeRow(DomainEvent.eventIdFor(ACCOUNT, 2), ACCOUNT, 2, "BalanceCredited", 150, 150,
                Instant.parse("2026-03-01T10:00:00Z"), null, null, null, null, null, null, "k", null));
    }
}
