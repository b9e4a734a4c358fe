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
}
