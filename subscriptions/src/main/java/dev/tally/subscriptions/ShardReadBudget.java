package dev.tally.subscriptions;

import java.time.Duration;
import java.util.List;

/**
 * How often each polling consumer of {@code domain-events} reads a shard. Kinesis allows
 * {@value #GET_RECORDS_PER_SECOND} GetRecords calls per second per shard, shared by every consumer that polls it
 * (<a href="https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html">quotas</a>); a consumer
 * that reads faster than its share is throttled. The budget goes where waiting costs most:
 *
 * <ul>
 *   <li>the balances projection, which users read right after they write: every {@link #BALANCES} (2.5 calls/s);</li>
 *   <li>the lake writer, whose rows wait a minute in Firehose's buffer anyway: every {@link #LAKE_WRITER} (1/s);</li>
 *   <li>a subscriber, on a Lambda event-source mapping (Lambda's own base rate for a standard iterator, which is not
 *   configurable) or as a KCL worker: every {@link #SUBSCRIBER} (1/s).</li>
 * </ul>
 * That is 4.5 calls/s with one subscriber. Each further polling subscriber takes another 1/s, so a second one
 * exceeds the budget: more subscribers need enhanced fan-out (a dedicated 2 MB/s pipe per consumer, pushed within
 * about 70 ms), which the local Kinesis lacks.
 */
public final class ShardReadBudget {

    public static final int GET_RECORDS_PER_SECOND = 5;
    public static final Duration BALANCES = Duration.ofMillis(400);
    public static final Duration LAKE_WRITER = Duration.ofSeconds(1);
    public static final Duration SUBSCRIBER = Duration.ofSeconds(1);

    private ShardReadBudget() {
    }

    /** GetRecords calls per second per shard that consumers reading every {@code intervals} make together. */
    public static double callsPerSecond(List<Duration> intervals) {
        return intervals.stream().mapToDouble(interval -> 1000.0 / interval.toMillis()).sum();
    }
}
