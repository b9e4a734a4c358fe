package dev.tally.eventstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DynamoIdempotencyStoreTest extends IdempotencyStoreConformance {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    @Override
    protected IdempotencyStore newStore() {
        return new DynamoIdempotencyStore(DYNAMO.shared(), DYNAMO.newIdempotencyTable());
    }

    @Test
    void a_claim_that_landed_but_whose_answer_was_lost_is_still_the_callers_when_the_sdk_sends_it_again() {
        var table = DYNAMO.newIdempotencyTable();
        var claim = claimFor("k-" + UUID.randomUUID(), "fp");
        var lostAnswer = FirstAnswerLost.afterItLanded();
        try (var client = DYNAMO.client(lostAnswer)) {
            var result = new DynamoIdempotencyStore(client, table).claim(claim, NOW);

            assertThat(lostAnswer.happened()).isTrue();
            assertThat(result).isEmpty();
        }
        // and the claim stands for every other caller
        assertThat(new DynamoIdempotencyStore(DYNAMO.shared(), table).claim(claimFor(claim.key(), "fp-2"), NOW))
                .contains(claim);
    }

    @Test
    void a_claim_sent_again_and_refused_by_another_callers_claim_sees_that_claim() {
        var table = DYNAMO.newIdempotencyTable();
        var key = "k-" + UUID.randomUUID();
        var other = claimFor(key, "fp-other");
        var shared = new DynamoIdempotencyStore(DYNAMO.shared(), table);
        var raced = FirstAnswerLost.beforeItWasSent(() -> assertThat(shared.claim(other, NOW)).isEmpty());
        try (var client = DYNAMO.client(raced)) {
            var result = new DynamoIdempotencyStore(client, table).claim(claimFor(key, "fp-mine"), NOW);

            assertThat(raced.happened()).isTrue();
            assertThat(result).contains(other);
        }
    }
}
