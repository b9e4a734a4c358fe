package dev.tally.projections;

import dev.tally.contracts.DomainEvent;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.Principal;
import dev.tally.eventstore.RecordedEvent;

import java.time.Instant;

/**
 * What the balances projection needs of one event, whether it arrived on Kinesis or was read back from the events
 * table to repair a gap.
 *
 * @param delta       what the event did to the balance, in minor units (0 for a creation)
 * @param balanceAfter the balance after the event, as the write side recorded it; the projection checks its own
 *                     arithmetic against it
 * @param owner        for a creation, who opened the account (null for accounts opened before owners were recorded);
 *                     null for every other event, which leaves the owner as it is
 */
record BalanceChange(String accountId, long version, String eventId, long delta, long balanceAfter, Instant occurredAt,
                     Principal owner) {

    /**
     * @throws IllegalArgumentException if the event names an owner that is not a valid principal (an issuer with
     *                                  whitespace); not retryable
     */
    static BalanceChange of(DomainEvent event) {
        long delta = switch (event) {
            case DomainEvent.AccountCreated created -> 0;
            case DomainEvent.BalanceCredited credited -> credited.amountMinor();
            case DomainEvent.BalanceWithdrawn withdrawn -> -withdrawn.amountMinor();
        };
        var owner = event instanceof DomainEvent.AccountCreated created && created.owner() != null
                ? new Principal(created.owner().issuer(), created.owner().subject()) : null;
        return new BalanceChange(event.accountId(), event.version(), event.eventId(), delta, event.balanceAfterMinor(),
                event.occurredAt(), owner);
    }

    static BalanceChange of(RecordedEvent recorded) {
        var accountId = recorded.event().accountId().toString();
        long delta = switch (recorded.event()) {
            case AccountEvent.AccountCreated created -> 0;
            case AccountEvent.BalanceCredited credited -> credited.amount().minorUnits();
            case AccountEvent.BalanceWithdrawn withdrawn -> -withdrawn.amount().minorUnits();
        };
        var owner = recorded.event() instanceof AccountEvent.AccountCreated created ? created.owner() : null;
        return new BalanceChange(accountId, recorded.version(), DomainEvent.eventIdFor(accountId, recorded.version()),
                delta, recorded.balanceAfter().minorUnits(), recorded.event().occurredAt(), owner);
    }
}
