package dev.tally.eventstore;

import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;

/** What an append did: wrote the events, or lost an optimistic-concurrency race. Both are expected outcomes. */
public sealed interface AppendResult {

    record Appended(AccountState state) implements AppendResult {
    }

    /**
     * Another writer appended first: the stream has moved past {@code expectedVersion}. Never this writer's own put
     * refused on an SDK retry after its first attempt landed: that counts as appended. (A write whose outcome stays
     * unknown, the SDK's attempts used up, is thrown, not answered.) Nothing more is read to say how far: the caller catches up ({@link EventStore#catchUp}) when it is ready to try again.
     */
    record Conflict(AccountId accountId, long expectedVersion) implements AppendResult {
        @Override
        public String toString() {
            return "conflict on account " + accountId + ": the stream has moved past version " + expectedVersion;
        }
    }
}
