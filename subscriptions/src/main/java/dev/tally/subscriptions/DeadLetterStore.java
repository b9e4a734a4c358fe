package dev.tally.subscriptions;

import java.util.List;

/** Where a subscription parks what it cannot handle. */
public interface DeadLetterStore {

    /**
     * Stores the dead letter durably before returning. Parking the same record again (a batch delivered twice)
     * replaces it, so a record is parked at most once.
     *
     * @throws RuntimeException if it cannot be stored: the caller must then not checkpoint past the record
     */
    void park(DeadLetter deadLetter);

    /** Every dead letter of {@code subscription}, in stream position order. */
    List<DeadLetter> list(String subscription);

    /** How many dead letters {@code subscription} has, without reading them. */
    long count(String subscription);

    /**
     * Records that {@code letter} was delivered again and handled: it leaves the subscription's dead letters and is
     * kept among its redriven ones, with when. Not atomic: a crash between the two leaves it in both, and a second
     * redrive hands it over once more, which handlers are ready for.
     */
    void redriven(DeadLetter letter, java.time.Instant at);

    /** The dead letters of {@code subscription} that were redriven, in stream position order. */
    List<DeadLetter> redriven(String subscription);
}
