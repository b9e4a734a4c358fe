package dev.tally.translator;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.tally.contracts.DomainEvent;
import dev.tally.observability.testing.CapturedLogs;
import dev.tally.standins.lambda.LocalLambdaContext;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** The handler on DynamoDB stream batches shaped as Lambda delivers them, publishing to an in-memory recorder. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class StreamTranslatorHandlerTest {

    private static final String A = "3f2b8c1e-0000-4000-8000-00000000000a";
    private static final String B = "3f2b8c1e-0000-4000-8000-00000000000b";
    private static final String C = "3f2b8c1e-0000-4000-8000-00000000000c";
    private static final String D = "3f2b8c1e-0000-4000-8000-00000000000d";
    private static final java.math.BigInteger BASE = new java.math.BigInteger("44215845000000000174504390");

    /** The sequence number of the n-th record in the test batches. */
    private static String seq(int n) {
        return BASE.add(java.math.BigInteger.valueOf(n)).toString();
    }

    /** Records what it is asked to publish; fails the events the predicate picks. */
    static final class RecordingPublisher implements EventPublisher {
        final List<DomainEvent> published = new ArrayList<>();
        Predicate<DomainEvent> fails = e -> false;

        @Override
        public List<DomainEvent> publish(List<DomainEvent> events) {
            var failed = events.stream().filter(fails).toList();
            events.stream().filter(fails.negate()).forEach(published::add);
            return failed;
        }
    }

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final LocalLambdaContext context = LocalLambdaContext.of("test", "test-request", Duration.ofSeconds(30), logged::add);
    private final StreamTranslatorHandler handler = new StreamTranslatorHandler(new StreamTranslator(publisher));

    @Test
    void inserts_are_published_in_account_and_version_order_and_the_rest_skipped() {
        StreamsEventResponse response;
        List<String> lines;
        try (var logs = CapturedLogs.start()) {
            response = handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"), context);
            lines = logs.lines();
        }

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(publisher.published).extracting(DomainEvent::accountId, DomainEvent::version, DomainEvent::type)
                .containsExactly(tuple(A, 1L, "AccountCreated"), tuple(A, 2L, "BalanceCredited"),
                        tuple(A, 3L, "BalanceWithdrawn"), tuple(B, 1L, "AccountCreated"));
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .contains("4 published, 2 not INSERT, 1 not events, 0 poison, 0 unpublished")
                .contains("\"service\":\"stream-translator\"", "\"outcome\":\"translated\"", "\"duration_ms\""));
        // one line per published event, with its account and version (these version 1 items have no correlation id)
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("published BalanceWithdrawn",
                "\"account_id\":\"" + A + "\"", "\"version\":\"3\""));
        // the batch's metrics, as one EMF line
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"_aws\"", "\"RecordsPublished\":4",
                "\"BatchAge\""));
    }

    @Test
    void published_events_carry_exact_amounts_the_idempotency_key_and_deterministic_ids() {
        handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"), context);

        var created = (DomainEvent.AccountCreated) publisher.published.get(0);
        var withdrawn = (DomainEvent.BalanceWithdrawn) publisher.published.get(2);
        // The fixture's items are schema version 1: the display name was in Owner, and no owner was recorded.
        assertThat(created.owner()).isNull();
        assertThat(created.displayName()).isEqualTo("Ada");
        assertThat(created.actor()).isNull();
        assertThat(created.idempotencyKey()).isEqualTo("open-a");
        assertThat(created.eventId()).isEqualTo(DomainEvent.eventIdFor(A, 1));
        assertThat(withdrawn.amount()).isEqualTo("30.50");
        assertThat(withdrawn.balanceAfter()).isEqualTo("69.50");
        assertThat(withdrawn.occurredAt()).hasToString("2026-11-26T09:00:03Z");
    }

    @Test
    void schema_version_2_items_are_published_with_their_owner_actor_and_request_id() {
        handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch-v2.json"), context);

        var alice = new DomainEvent.Identity("https://id.example.com/", "alice");
        assertThat(publisher.published).containsExactly(
                new DomainEvent.AccountCreated(DomainEvent.eventIdFor(D, 1), D, 1, java.time.Instant.parse("2026-12-05T09:00:00Z"),
                        alice, "Savings", alice, "req-open", "req-open", null),
                new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(D, 2), D, 2, java.time.Instant.parse("2026-12-05T09:00:01Z"),
                        2500, 2500, alice, "req-credit", "req-credit", "pay-1"));
    }

    @Test
    void redelivering_a_batch_republishes_the_same_event_ids() {
        handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"), context);
        var first = publisher.published.stream().map(DomainEvent::eventId).toList();
        publisher.published.clear();

        handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"), context);

        assertThat(publisher.published).extracting(DomainEvent::eventId).containsExactlyElementsOf(first);
    }

    @Test
    void a_poison_record_is_reported_with_its_reason_while_other_accounts_go_ahead() {
        StreamsEventResponse response;
        List<String> lines;
        try (var logs = CapturedLogs.start()) {
            response = handler.handleRequest(EventLoader.loadDynamoDbEvent("events/poison-batch.json"), context);
            lines = logs.lines();
        }

        assertThat(publisher.published).extracting(DomainEvent::accountId, DomainEvent::version)
                .containsExactly(tuple(B, 2L), tuple(C, 1L));
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(seq(12));
        assertThat(logged).anySatisfy(line -> assertThat(line)
                .contains("poison record " + seq(12), C + "/2", "unknown type BalanceFrozen"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("1 poison, 1 unpublished", "\"outcome\":\"partial\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"level\":\"WARN\"", "poison record " + seq(12)));
    }

    @Test
    void what_could_not_be_published_is_reported_from_its_first_record() {
        publisher.fails = e -> e.accountId().equals(A) && e.version() >= 2;

        var response = handler.handleRequest(EventLoader.loadDynamoDbEvent("events/stream-batch.json"), context);

        // A v2 is record 1 and A v3 record 7: Lambda resumes from the lower one
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(seq(1));
    }

    @Test
    void a_record_without_a_new_image_fails_loudly_naming_the_view_type() {
        assertThatThrownBy(() -> handler.handleRequest(EventLoader.loadDynamoDbEvent("events/keys-only-batch.json"), context))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected StreamViewType KEYS_ONLY");
    }
}
