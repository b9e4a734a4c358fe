package dev.tally.subscriptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Dead letters in memory: for tests, and for the kit's test harness. */
public final class InMemoryDeadLetterStore implements DeadLetterStore {

    private final ConcurrentHashMap<String, DeadLetter> parked = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeadLetter> redriven = new ConcurrentHashMap<>();

    @Override
    public void park(DeadLetter deadLetter) {
        parked.put(deadLetter.subscription() + "|" + deadLetter.record().position(), deadLetter);
    }

    @Override
    public void redriven(DeadLetter letter, java.time.Instant at) {
        var key = letter.subscription() + "|" + letter.record().position();
        redriven.put(key, letter);
        parked.remove(key);
    }

    @Override
    public List<DeadLetter> redriven(String subscription) {
        return sorted(redriven.values().stream().filter(d -> d.subscription().equals(subscription)).toList());
    }

    @Override
    public long count(String subscription) {
        return parked.values().stream().filter(d -> d.subscription().equals(subscription)).count();
    }

    @Override
    public List<DeadLetter> list(String subscription) {
        return sorted(parked.values().stream().filter(d -> d.subscription().equals(subscription)).toList());
    }

    private static List<DeadLetter> sorted(List<DeadLetter> letters) {
        var found = new ArrayList<>(letters);
        found.sort(Comparator.comparing((DeadLetter d) -> d.record().shardId())
                .thenComparing(d -> d.record().sequenceNumber(), DeadLetterTable.SEQUENCE_ORDER));
        return found;
    }
}
