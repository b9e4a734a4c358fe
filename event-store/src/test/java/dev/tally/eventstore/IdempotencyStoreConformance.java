package dev.tally.eventstore;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Rejection;
import dev.tally.eventstore.IdempotencyRecord.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link IdempotencyStore} must do. */
@DisplayNameGeneration(ReplaceUnderscores.class)
public abstract class IdempotencyStoreConformance {

    protected static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private IdempotencyStore store;

    protected abstract IdempotencyStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    protected static IdempotencyRecord claimFor(String key, String fingerprint) {
        return new IdempotencyRecord(key, fingerprint, new AccountId(UUID.randomUUID()), 4, NOW,
                NOW.plus(Duration.ofHours(24)), Optional.empty());
    }

    @Test
    void the_first_claim_on_a_key_wins_and_later_ones_see_it() {
        var first = claimFor("k-" + UUID.randomUUID(), "fp-1");

        assertThat(store.claim(first, NOW)).isEmpty();
        assertThat(store.claim(claimFor(first.key(), "fp-2"), NOW)).contains(first);
    }

    @Test
    void of_concurrent_claims_on_one_key_exactly_one_wins() throws Exception {
        var key = "k-" + UUID.randomUUID();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(8)) {
            var results = new ArrayList<Future<Optional<IdempotencyRecord>>>();
            for (int i = 0; i < 8; i++) {
                var claim = claimFor(key, "fp-" + i);
                results.add(pool.submit(() -> {
                    start.await();
                    return store.claim(claim, NOW);
                }));
            }
            start.countDown();
            int winners = 0;
            for (var result : results) {
                winners += result.get().isEmpty() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        }
    }

    @Test
    void a_completed_claim_returns_its_outcome() {
        var applied = claimFor("k-" + UUID.randomUUID(), "fp");
        var refused = claimFor("k-" + UUID.randomUUID(), "fp");
        store.claim(applied, NOW);
        store.claim(refused, NOW);
        var rejection = new Rejection(Rejection.Reason.INSUFFICIENT_FUNDS, "balance 1.00 is less than withdrawal 2.00");

        store.complete(applied.key(), new Outcome.Applied(5, Money.ofMinor(6950)));
        store.complete(refused.key(), new Outcome.Refused(rejection));

        assertThat(store.claim(claimFor(applied.key(), "other"), NOW))
                .contains(applied.withOutcome(new Outcome.Applied(5, Money.ofMinor(6950))));
        assertThat(store.claim(claimFor(refused.key(), "other"), NOW))
                .contains(refused.withOutcome(new Outcome.Refused(rejection)));
    }

    @Test
    void a_refusal_never_replaces_an_applied_outcome() {
        var claim = claimFor("k-" + UUID.randomUUID(), "fp");
        store.claim(claim, NOW);
        var applied = new Outcome.Applied(7, Money.ofMinor(100));

        store.complete(claim.key(), applied);
        store.complete(claim.key(), new Outcome.Refused(new Rejection(Rejection.Reason.INSUFFICIENT_FUNDS, "late")));

        assertThat(store.claim(claimFor(claim.key(), "fp"), NOW)).contains(claim.withOutcome(applied));
    }

    @Test
    void an_expired_claim_can_be_taken_again() {
        var old = claimFor("k-" + UUID.randomUUID(), "fp-old");
        store.claim(old, NOW);
        var later = NOW.plus(Duration.ofHours(25));
        var fresh = new IdempotencyRecord(old.key(), "fp-new", old.accountId(), 0, later,
                later.plus(Duration.ofHours(24)), Optional.empty());

        assertThat(store.claim(fresh, later)).isEmpty();
        assertThat(store.claim(claimFor(old.key(), "x"), later)).contains(fresh);
    }
}
