package dev.tally.cli;

import dev.tally.cli.demo.Claim;
import dev.tally.cli.demo.PipelineInvariants.KinesisDelivery;
import dev.tally.cli.demo.PipelineInvariants.SetAside;
import dev.tally.cli.demo.PipelineInvariants;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.DomainEventStream;
import dev.tally.cli.load.RenewingToken;
import dev.tally.contracts.PublishedStream;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** HTTP API -> DynamoDB -> stream stand-in -> translator -> Kinesis, on a whole local stack. */
@DisplayNameGeneration(ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamPipelineTest {

    private static DevStack stack;
    private static ApiClient api;
    private static DomainEventStream stream;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStack.Settings.ephemeral(), Progress.silent());
        api = new ApiClient(stack.apiEndpoint(), RenewingToken.of(stack, "pipeline-test"));
        stream = new DomainEventStream(stack.kinesis(), PublishedStream.DEFAULT_NAME);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void hundreds_of_concurrent_commands_reach_kinesis_exactly_once_in_version_order_per_account() throws Exception {
        var accounts = new ArrayList<String>();
        for (int i = 0; i < 8; i++) {
            var id = api.post("/accounts", "{}").body().get("accountId").asText();
            api.post("/accounts/" + id + "/credit", "{\"amount\": \"20.00\"}");
            accounts.add(id);
        }
        var results = new ArrayList<Future<Integer>>();
        int applied = 0;
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 400; i++) {
                var account = accounts.get(i % accounts.size());
                var action = i % 3 == 2 ? "withdraw" : "credit";
                results.add(pool.submit(() -> api.post("/accounts/" + account + "/" + action, "{\"amount\": \"1.00\"}").status()));
            }
            for (var result : results) {
                assertThat(result.get()).isIn(200, 422);
                applied += result.get() == 200 ? 1 : 0;
            }
        }
        var delivery = await("every event of the table on Kinesis").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> PipelineInvariants.kinesisDelivery(stack.dynamo(), stream), KinesisDelivery::everyEventPublished);

        assertThat(delivery.tableEventIds()).hasSize(16 + applied);
        assertThat(Claim.failed(delivery.claims())).as("claims that did not hold").isEmpty();
        assertThat(delivery.published()).isEqualTo(delivery.tableEventIds());
        assertThat(delivery.records()).as("no duplicates without failures").isEqualTo(delivery.tableEventIds().size());
    }

    @Test
    @Order(2)
    void a_poison_item_goes_to_the_dead_letter_store_with_its_reason_while_later_events_are_published() {
        var poison = PipelineInvariants.writeCorruptEvent(stack.dynamo());
        var later = api.post("/accounts", "{}").body().get("accountId").asText();

        var setAside = await("the corrupt item in the dead-letter store and the later account's events on Kinesis")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> PipelineInvariants.setAside(stack.dynamo(), stack.deadLetters().entries(), stream, poison, later),
                        SetAside::holds);

        assertThat(Claim.failed(setAside.claims())).as("claims that did not hold").isEmpty();
        assertThat(setAside.letter()).hasValueSatisfying(letter -> {
            assertThat(letter.path("records").toString()).contains(poison);
            assertThat(letter.path("reason").asText()).contains("unknown type AccountFrozen");
        });
        assertThat(setAside.laterPublished()).isEqualTo(1);
    }
}
