package dev.tally.accountsapi;

import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Principal;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventPage;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.OwnedAccounts;

import java.util.List;
import java.util.Optional;

/** An event store that hands every call to another: a test overrides the one it changes (a crash, a count). */
abstract class ForwardingEventStore implements EventStore {

    protected final EventStore delegate;

    ForwardingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public AccountState load(AccountId accountId) {
        return delegate.load(accountId);
    }

    @Override
    public AccountState catchUp(AccountState known) {
        return delegate.catchUp(known);
    }

    @Override
    public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
        return delegate.append(current, events, metadata);
    }

    @Override
    public EventPage readEvents(AccountId accountId, long afterVersion, int limit) {
        return delegate.readEvents(accountId, afterVersion, limit);
    }

    @Override
    public OwnedAccounts accountsOwnedBy(Principal owner, Optional<AccountId> after, int limit) {
        return delegate.accountsOwnedBy(owner, after, limit);
    }
}
