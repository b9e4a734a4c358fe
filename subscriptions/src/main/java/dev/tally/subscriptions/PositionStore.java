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
     * @param version the highest version handled, 0 for an account not seen yet
     * @param held    the parked event the account waits behind, if any: its later events are parked after it, in
     *                order, until it is handled (a redrive, or its version arriving again)
     */
    record Position(long version, Optional<Hold> held) {
        public static final Position NONE = new Position(0, Optional.empty());

        /** Where the event the account waits behind was parked ({@code shardId/sequenceNumber}). */
        public Optional<String> heldBehind() {
            return held.map(Hold::parkedAt);
        }
    }

    /**
     * @param parkedAt the parked event's position ({@code shardId/sequenceNumber})
     * @param version  its version; 0 if unknown (held before versions were kept with the hold)
     */
    record Hold(String parkedAt, long version) {
    }

    Position position(String accountId);

    /**
     * Records that the account's events up to {@code version} are handled, if the stored version is still
     * {@code expected}.
     *
     * @return false if another worker moved the position meanwhile (the caller reads it again)
     */
    boolean advance(String accountId, long expected, long version);

    /** Holds the account back behind the parked event at {@code parkedAt}, of {@code version}. */
    void hold(String accountId, String parkedAt, long version);

    /**
     * Lets the account go on, if it is still held behind {@code handled} (the hold as it was read): that event, or a
     * copy of it, has now been handled. Its later events, parked behind it, follow in a redrive.
     */
    void release(String accountId, Hold handled);
}
