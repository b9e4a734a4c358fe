package dev.tally.eventstore;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountEvent.AccountCreated;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Principal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** An event store in memory, for unit tests. It passes the same conformance suite as {@link DynamoEventStore}. */
public final class InMemoryEventStore implements EventStore {

    private final ConcurrentHashMap<AccountId, List<RecordedEvent>> streams = new ConcurrentHashMap<>();

    @Override
    public AccountState load(AccountId accountId) {
        var state = AccountDecider.initialState(accountId);
        for (var recorded : snapshotOf(accountId)) {
            state = AccountDecider.evolve(state, recorded.event());
        }
        return state;
    }

    @Override
    public AccountState catchUp(AccountState known) {
        var state = known;
        for (var recorded : readEvents(known.accountId(), known.version(), Integer.MAX_VALUE).events()) {
            state = AccountDecider.evolve(state, recorded.event());
        }
        return state;
    }

    @Override
    public AppendResult append(AccountState current, List<AccountEvent> events, EventMetadata metadata) {
        var stream = streams.computeIfAbsent(current.accountId(), id -> new ArrayList<>());
        synchronized (stream) {
            if (stream.size() != current.version()) {
                return new AppendResult.Conflict(current.accountId(), current.version());
            }
            var state = current;
            for (var event : events) {
                state = AccountDecider.evolve(state, event);
                stream.add(new RecordedEvent(state.version(), event, state.balance(), metadata));
            }
            return new AppendResult.Appended(state);
        }
    }

    @Override
    public EventPage readEvents(AccountId accountId, long afterVersion, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        var all = snapshotOf(accountId);
        int from = (int) Math.min(Math.max(afterVersion, 0), all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        var page = all.subList(from, to);
        return new EventPage(page, to < all.size() ? OptionalLong.of(to) : OptionalLong.empty());
    }

    @Override
    public OwnedAccounts accountsOwnedBy(Principal owner, Optional<AccountId> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        var owned = streams.keySet().stream()
                .map(this::snapshotOf)
                .filter(stream -> !stream.isEmpty()
                        && stream.getFirst().event() instanceof AccountCreated created && owner.equals(created.owner()))
                .map(stream -> (AccountCreated) stream.getFirst().event())
                .filter(created -> after.isEmpty() || created.accountId().toString().compareTo(after.get().toString()) > 0)
                .sorted(Comparator.comparing(created -> created.accountId().toString()))
                .map(created -> new OwnedAccounts.Account(created.accountId(), created.displayName(), created.occurredAt()))
                .toList();
        var page = owned.subList(0, Math.min(limit, owned.size()));
        return new OwnedAccounts(page, owned.size() > limit ? Optional.of(page.getLast().accountId()) : Optional.empty());
    }

    private List<RecordedEvent> snapshotOf(AccountId accountId) {
        var stream = streams.get(accountId);
        if (stream == null) {
            return List.of();
        }
        synchronized (stream) {
            return List.copyOf(stream);
        }
    }
}
