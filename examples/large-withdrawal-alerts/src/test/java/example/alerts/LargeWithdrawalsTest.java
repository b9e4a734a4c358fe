package example.alerts;

import dev.tally.contracts.DomainEvent;
import dev.tally.emulators.Dynalite;
import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.testing.SubscriptionFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule on a real dynalite, through the kit's in-memory fixture: given / when / then. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LargeWithdrawalsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Instant DAY_1 = Instant.parse("2026-12-04T09:00:00Z");
    private static final Instant DAY_1_LATE = Instant.parse("2026-12-04T23:59:59Z");
    private static final Instant DAY_2 = Instant.parse("2026-12-05T00:00:00Z");
    private static final String A = "acc-a";
    private static final String B = "acc-b";

    private static Dynalite dynalite;
    private static DynamoDbClient dynamo;
    private String table;
    private SubscriptionFixture fixture;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.inMemory();
        dynamo = DynamoDbClient.builder().endpointOverride(dynalite.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        dynalite.close();
    }

    @BeforeEach
    void table() {
        table = "alerts-" + UUID.randomUUID();
        WithdrawalDaysTable.create(dynamo, table);
        fixture = SubscriptionFixture.inOrder(new LargeWithdrawals(dynamo, table, 500_00, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static DomainEvent withdrawn(String account, long version, Instant at, long amountMinor) {
        return new DomainEvent.BalanceWithdrawn(DomainEvent.eventIdFor(account, version), account, version, at,
                amountMinor, 0, null, null, null, null);
    }

    private static DomainEvent credited(String account, long version, Instant at, long amountMinor) {
        return new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(account, version), account, version, at,
                amountMinor, amountMinor, null, null, null, null);
    }

    @Test
    void withdrawals_over_the_threshold_in_one_utc_day_raise_one_alert_for_that_day() {
        fixture.given(A, 1).given(B, 1);

        fixture.when(withdrawn(A, 2, DAY_1, 300_00), credited(A, 3, DAY_1, 1_000_00), withdrawn(A, 4, DAY_1_LATE, 200_01),
                withdrawn(A, 5, DAY_2, 499_99), withdrawn(A, 6, DAY_2, 1), withdrawn(B, 2, DAY_1, 500_00),
                withdrawn(A, 7, DAY_1_LATE, 5));

        var alerts = WithdrawalDaysTable.alerts(dynamo, table);
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.accountId()).isEqualTo(A);
            assertThat(alert.day()).isEqualTo(LocalDate.parse("2026-12-04"));
            assertThat(alert.alertVersion()).isEqualTo(4);
            assertThat(alert.alertedAt()).isEqualTo(NOW);
            assertThat(alert.totalMinor()).isEqualTo(BigInteger.valueOf(300_00 + 200_01 + 5));
            assertThat(alert.withdrawals()).isEqualTo(3);
        });
    }

    @Test
    void a_duplicate_is_counted_once_and_a_gap_is_parked_not_counted() {
        fixture.given(A, 1);

        fixture.when(withdrawn(A, 2, DAY_1, 400_00));
        var outcome = fixture.when(withdrawn(A, 2, DAY_1, 400_00), withdrawn(A, 4, DAY_1, 400_00));

        assertThat(outcome.duplicates()).isEqualTo(1);
        assertThat(fixture.deadLetters()).extracting(DeadLetter::kind).containsExactly(DeadLetter.Kind.GAP);
        assertThat(WithdrawalDaysTable.alerts(dynamo, table)).isEmpty();
        var day = dynamo.getItem(b -> b.tableName(table).key(Map.of(WithdrawalDaysTable.ACCOUNT_ID, AttributeValue.fromS(A),
                WithdrawalDaysTable.DAY, AttributeValue.fromS("2026-12-04")))).item();
        assertThat(day.get(WithdrawalDaysTable.TOTAL_MINOR).n()).isEqualTo("40000");
    }

    @Test
    void an_event_delivered_again_after_a_crash_between_the_writes_is_not_counted_twice_but_still_alerts() {
        var handler = new LargeWithdrawals(dynamo, table, 500_00, Clock.fixed(NOW, ZoneOffset.UTC));
        // the crash: the total was counted with version 2, the alert not yet written, the position not advanced
        dynamo.putItem(b -> b.tableName(table).item(Map.of(WithdrawalDaysTable.ACCOUNT_ID, AttributeValue.fromS(A),
                WithdrawalDaysTable.DAY, AttributeValue.fromS("2026-12-04"),
                WithdrawalDaysTable.TOTAL_MINOR, AttributeValue.fromN("60000"),
                WithdrawalDaysTable.WITHDRAWALS, AttributeValue.fromN("1"),
                WithdrawalDaysTable.LAST_VERSION, AttributeValue.fromN("2"))));

        handler.handle(withdrawn(A, 2, DAY_1, 600_00));

        assertThat(WithdrawalDaysTable.alerts(dynamo, table)).singleElement().satisfies(alert -> {
            assertThat(alert.totalMinor()).isEqualTo(BigInteger.valueOf(600_00));
            assertThat(alert.withdrawals()).isEqualTo(1);
        });
    }

    @Test
    void the_sql_for_the_rule_names_the_threshold() {
        assertThat(AlertsQuery.sql(123)).contains("HAVING sum(amount) > 123").doesNotContain("${");
    }
}
