package dev.tally.subscriptions;

import java.time.Clock;
import java.util.function.Consumer;

/**
 * Delivers a subscription's dead letters again, after a fix (an upgraded subscriber, a repaired grant), oldest first,
 * through the subscription itself: each one is handled and then kept among the redriven, or parked again with its
 * new reason. What was redriven stays on record ({@link DeadLetterStore#redriven(String)}).
 *
 * <p>For a subscription whose handler keeps its own positions ({@link Subscription#perEvent}) or takes batches. An
 * in-order subscription's held accounts are not released by this yet.
 */
public final class Redrive {

    /** What a redrive came to. */
    public record Result(int redriven, int stillParked) {
    }

    private Redrive() {
    }

    /**
     * @param subscription the subscription, built as its worker builds it (same name, same handler)
     * @param progress     one line per letter
     */
    public static Result run(Subscription subscription, DeadLetterStore deadLetters, Clock clock, Consumer<String> progress) {
        int redriven = 0;
        int stillParked = 0;
        for (var letter : inOrder(deadLetters.list(subscription.name()))) {
            var outcome = subscription.process(java.util.List.of(letter.record()));
            if (outcome.parked() == 0) {
                deadLetters.redriven(letter, clock.instant());
                redriven++;
                progress.accept("redriven " + letter.record().position() + " (was " + letter.kind() + ")");
            } else {
                stillParked++;
                progress.accept("still parked " + letter.record().position());
            }
        }
        return new Result(redriven, stillParked);
    }

    /**
     * The letters in the order they must go again: each account's events by version (the parked event an account is
     * held behind comes before those parked after it, whichever shard or replay they came from), then what cannot be
     * read, as parked.
     */
    static java.util.List<DeadLetter> inOrder(java.util.List<DeadLetter> letters) {
        record Keyed(DeadLetter letter, String account, long version) {
        }
        var readable = new java.util.ArrayList<Keyed>();
        var unreadable = new java.util.ArrayList<DeadLetter>();
        for (var letter : letters) {
            try {
                var event = dev.tally.contracts.DomainEventCodec.fromJson(letter.record().data());
                readable.add(new Keyed(letter, event.accountId(), event.version()));
            } catch (dev.tally.contracts.UnreadableDomainEventException e) {
                unreadable.add(letter);
            }
        }
        readable.sort(java.util.Comparator.comparing(Keyed::account).thenComparingLong(Keyed::version));
        var ordered = new java.util.ArrayList<DeadLetter>(letters.size());
        readable.forEach(keyed -> ordered.add(keyed.letter()));
        ordered.addAll(unreadable);
        return ordered;
    }
}
