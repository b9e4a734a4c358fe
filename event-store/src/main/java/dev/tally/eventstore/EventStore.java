package dev.tally.eventstore;

import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Principal;

import java.util.List;
import java.util.Optional;

/**
 * The account streams: an ordered, gap-free list of events per account, versions 1, 2, 3, ...
 *
 * <p>Every implementation passes {@code EventStoreConformance}.
 */
public interface EventStore {

    /**
     * The current state of the account, read strongly consistently. An account that does not exist loads as its
     * initial state (version 0).
     *
     * @throws UnreadableEventException if a stored item cannot be decoded; not retryable, it needs a code fix
     */
    AccountState load(AccountId accountId);

    /**
     * {@code known} brought up to date: the events written after its version folded onto it, read strongly
     * consistently. After a lost race this reads what the winners wrote, not the whole snapshot window again.
     */
    AccountState catchUp(AccountState known);

    /**
     * Appends events after {@code current}, which names the account and the expected version: the append succeeds
     * only if the stream is still at {@code current.version()}. The state is passed, rather than the bare version,
     * so that the store can write the snapshot on every Nth item without reading the stream again (Equinox does the
     * same with its "unfolds").
     *
     * <p>Each event is one conditional put. The decider emits one event per command, so a command's effect is
     * written atomically; a caller appending several events must accept that a crash can leave a prefix.
     *
     * @param metadata who caused these events and in which request, stored on each event item; its idempotency key
     *                 lets a retried command find what it already wrote
     * @return {@link AppendResult.Appended} with the new state, or {@link AppendResult.Conflict} when another writer
     * got there first; a conflict is expected under concurrency, and the caller should reload and decide again
     */
    AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata);

    /**
     * One page of the account's history: up to {@code limit} events with versions above {@code afterVersion},
     * oldest first.
     */
    EventPage readEvents(AccountId accountId, long afterVersion, int limit);

    /**
     * One page of the accounts {@code owner} opened, in account id order: up to {@code limit} with ids above
     * {@code after} (or from the first, if empty). It reads an index of the owners, never the whole table, and is
     * eventually consistent: an account opened a moment ago may be missing.
     */
    OwnedAccounts accountsOwnedBy(Principal owner, Optional<AccountId> after, int limit);
}
