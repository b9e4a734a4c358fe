package dev.tally.subscriptions;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardReadBudgetTest {

    @Test
    void tallys_consumers_and_one_subscriber_stay_within_a_shards_five_reads_a_second() {
        var consumers = List.of(ShardReadBudget.BALANCES, ShardReadBudget.LAKE_WRITER, ShardReadBudget.SUBSCRIBER);

        assertThat(ShardReadBudget.callsPerSecond(consumers)).isLessThanOrEqualTo(ShardReadBudget.GET_RECORDS_PER_SECOND);
    }

    @Test
    void a_second_polling_subscriber_would_exceed_it() {
        var consumers = List.of(ShardReadBudget.BALANCES, ShardReadBudget.LAKE_WRITER, ShardReadBudget.SUBSCRIBER,
                ShardReadBudget.SUBSCRIBER);

        assertThat(ShardReadBudget.callsPerSecond(consumers)).isGreaterThan(ShardReadBudget.GET_RECORDS_PER_SECOND);
    }

    @Test
    void calls_per_second_add_up_each_consumers_rate() {
        assertThat(ShardReadBudget.callsPerSecond(List.of(Duration.ofMillis(250), Duration.ofMillis(500)))).isEqualTo(6.0);
    }
}
