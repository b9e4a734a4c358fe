package dev.tally.projections;

import dev.tally.contracts.DomainEvent;
import dev.tally.subscriptions.EventHandler;

import java.time.Clock;
import java.time.Duration;

/**
 * The balances projection as a subscriber of the kit: each event is applied to the active balances table and to the
 * table a rebuild is filling. The kit hands over each account's events in order (accounts side by side) and
 * checkpoints only after they are applied or parked; the projector's version checks make a repeated delivery
 * harmless, and repair a gap (an event parked, or lost) from the events table.
 *
 * <p>What fails here is classified by the kit: DynamoDB throttling and outages are retried and then parked; a
 * projected balance that disagrees with the write side, or a gap the events table cannot fill, is parked at once.
 */
final class BalancesSubscriber implements EventHandler {

    private final BalanceProjector projector;
    private final ProjectionCatalog catalog;
    private final LagRecorder lag;
    private final Clock clock;

    BalancesSubscriber(BalanceProjector projector, ProjectionCatalog catalog, LagRecorder lag, Clock clock) {
        this.projector = projector;
        this.catalog = catalog;
        this.lag = lag;
        this.clock = clock;
    }

    @Override
    public void handle(DomainEvent event) {
        var change = BalanceChange.of(event);
        for (var table : catalog.targets(ProjectionEnvironment.BALANCES).all()) {
            projector.apply(table, change);
        }
        lag.record(Math.max(0, Duration.between(change.occurredAt(), clock.instant()).toMillis()));
    }
}
