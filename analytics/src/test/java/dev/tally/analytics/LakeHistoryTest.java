package dev.tally.analytics;

import dev.tally.contracts.DomainEvent;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lake read back as published events: once each, each account's in version order, every field the lake keeps. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeHistoryTest {

    private static final String A = "0a000000-0000-4000-8000-00000000000a";
    private static final String B = "0b000000-0000-4000-8000-00000000000b";

    @Test
    void each_event_comes_once_in_version_order_per_account_from_the_fullest_of_its_copies(@TempDir Path lake) {
        // an object in the lake's first form, without the later columns, and a re-delivered copy with all of them
        TestLake.write(lake, List.of(TestLake.opened(A, "2026-03-01T10:00:00Z"), TestLake.credit(B, 2, 500, 500, "2026-03-01T09:00:00Z")));
        var opened = new DomainEvent.AccountCreated(DomainEvent.eventIdFor(A, 1), A, 1, Instant.parse("2026-03-01T10:00:00Z"),
                new DomainEvent.Identity("https://id.example.com/", "alice"), "Alice's savings",
                new DomainEvent.Identity("https://id.example.com/", "alice"), "req-1", "req-1", "key-1");
        var withdrawn = new DomainEvent.BalanceWithdrawn(DomainEvent.eventIdFor(A, 3), A, 3,
                Instant.parse("2026-03-02T00:00:00.123Z"), 40, 60, null, null, null, null);
        TestLake.writeCurrent(lake, List.of(LakeRow.of(opened), TestLake.credit(A, 2, 100, 100, "2026-03-01T11:00:00Z"),
                LakeRow.of(withdrawn), LakeRow.of(withdrawn), TestLake.opened(B, "2026-03-01T08:00:00Z")));

        var events = new ArrayList<DomainEvent>();
        LakeHistory.read(lake, events::add);

        assertThat(events).extracting(DomainEvent::accountId, DomainEvent::version).containsExactly(
                org.assertj.core.api.Assertions.tuple(A, 1L), org.assertj.core.api.Assertions.tuple(A, 2L),
                org.assertj.core.api.Assertions.tuple(A, 3L), org.assertj.core.api.Assertions.tuple(B, 1L),
                org.assertj.core.api.Assertions.tuple(B, 2L));
        assertThat(events.getFirst()).isEqualTo(opened);
        assertThat(events.get(2)).isEqualTo(withdrawn);
        assertThat(events.get(4)).isInstanceOfSatisfying(DomainEvent.BalanceCredited.class, credited -> {
            assertThat(credited.amountMinor()).isEqualTo(500);
            assertThat(credited.actor()).isNull();
        });
    }
}
