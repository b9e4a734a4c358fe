package dev.tally.eventstore;

import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;

/** What an append did: wrote the events, or lost an optimistic-concurrency race. Both are expected outcomes. */
public sealed interface AppendResult {

    record Appended(AccountState state) implements AppendResult {
    }

    /** Another writer appended first: the stream is at {@code actualVersion}, not {@code expectedVersion}. */
    record Conflict(AccountId accountId, long expectedVersion, long actualVersion) implements AppendResult {
        @Override
        public String toString() {
            return "conflict on account " + accountId + ": expected version " + expectedVersion + ", actual "
                    + actualVersion;
        }
    }
}
