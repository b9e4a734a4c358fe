package dev.tally.subscriptions;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Positions in memory: for tests, and for the kit's test harness. */
public final class InMemoryPositionStore implements PositionStore {

    private final ConcurrentHashMap<String, Position> positions = new ConcurrentHashMap<>();

    @Override
    public Position position(String accountId) {
        return positions.getOrDefault(accountId, Position.NONE);
    }

    @Override
    public boolean advance(String accountId, long expected, long version) {
        var moved = new boolean[1];
        positions.compute(accountId, (id, current) -> {
            var now = current == null ? Position.NONE : current;
            if (now.version() != expected) {
                return current;
            }
            moved[0] = true;
            return new Position(version, now.held());
        });
        return moved[0];
    }

    @Override
    public void release(String accountId, Hold handled) {
        positions.computeIfPresent(accountId, (id, current) -> current.held()
                .filter(hold -> hold.parkedAt().equals(handled.parkedAt())).isPresent()
                ? new Position(current.version(), Optional.empty()) : current);
    }

    @Override
    public void hold(String accountId, String parkedAt, long version) {
        positions.compute(accountId, (id, current) -> new Position(current == null ? 0 : current.version(),
                Optional.of(new Hold(parkedAt, version))));
    }
}
