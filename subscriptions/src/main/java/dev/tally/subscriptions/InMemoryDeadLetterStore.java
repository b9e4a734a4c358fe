package dev.tally.subscriptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Dead letters in memory: for tests, and for the kit's test harness. */
public final class InMemoryDeadLetterStore implements DeadLetterStore {

    private final ConcurrentHashMap<String, DeadLetter> parked = new ConcurrentHashMap<>();

    @Override
    public void park(DeadLetter deadLetter) {
        parked.put(deadLetter.subscription() + "|" + deadLetter.record().position(), deadLetter);
    }

    @Override
    public long count(String subscription) {
        return parked.values().stream().filter(d -> d.subscription().equals(subscription)).count();
    }

    @Override
    public List<DeadLetter> list(String subscription) {
        var found = new ArrayList<DeadLetter>();
        parked.values().stream().filter(d -> d.subscription().equals(subscription)).forEach(found::add);
        found.sort(Comparator.comparing((DeadLetter d) -> d.record().shardId())
                .thenComparing(d -> d.record().sequenceNumber(), DeadLetterTable.SEQUENCE_ORDER));
        return found;
    }
}
