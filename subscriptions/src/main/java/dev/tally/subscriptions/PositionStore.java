package dev.tally.subscriptions;

import java.util.Optional;

/**
 * A subscriber's own durable record of how far it got in each account: the highest version whose effects are
 * durable, and whether the account is held back behind a parked event. It lives in the subscriber's account (a
 * subscriber cannot read Tally's tables), and is what makes effects exactly once per (account, version): an event at
 * or below the position is a duplicate and is not handed over again.
 */
public interface PositionStore {

    /**
     * @param version    the highest version handled, 0 for an account not seen yet
     * @param heldBehind the position ({@code shardId/sequenceNumber}) of the parked event the account waits behind:
     *                   its later events are parked after it, in order, until it is redriven
     */
    record Position(long version, Optional<String> heldBehind) {
        public static final Position NONE = new Position(0, Optional.empty());
    }

    Position position(String accountId);

    /**
     * Records that the account's events up to {@code version} are handled, if the stored version is still
     * {@code expected}.
     *
     * @return false if another worker moved the position meanwhile (the caller reads it again)
     */
    boolean advance(String accountId, long expected, long version);

    /** Holds the account back behind the parked event at {@code parkedAt}. */
    void hold(String accountId, String parkedAt);

    /**
     * Lets the account go on, if it is still held behind {@code parkedAt}: that event has now been handled (a
     * redrive). Its later events, parked behind it, follow in the same redrive.
     */
    void release(String accountId, String parkedAt);
}
