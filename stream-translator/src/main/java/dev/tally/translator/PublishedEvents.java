package dev.tally.translator;

import dev.tally.contracts.DomainEvent;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.Principal;
import dev.tally.eventstore.IdempotencyKeys;
import dev.tally.eventstore.RecordedEvent;

/** The write model's stored events, as the published contract shows them. */
final class PublishedEvents {

    private PublishedEvents() {
    }

    static DomainEvent of(RecordedEvent recorded) {
        var accountId = recorded.event().accountId().toString();
        var eventId = DomainEvent.eventIdFor(accountId, recorded.version());
        var key = recorded.idempotencyKey().map(IdempotencyKeys::clientKey).orElse(null);
        var at = recorded.event().occurredAt();
        long balance = recorded.balanceAfter().minorUnits();
        var actor = recorded.metadata().actor().map(PublishedEvents::identity).orElse(null);
        var requestId = recorded.metadata().requestId().orElse(null);
        var correlationId = recorded.metadata().correlationId().orElse(null);
        return switch (recorded.event()) {
            case AccountEvent.AccountCreated created -> new DomainEvent.AccountCreated(eventId, accountId,
                    recorded.version(), at, created.owner() == null ? null : identity(created.owner()),
                    created.displayName(), actor, requestId, correlationId, key);
            case AccountEvent.BalanceCredited credited -> new DomainEvent.BalanceCredited(eventId, accountId,
                    recorded.version(), at, credited.amount().minorUnits(), balance, actor, requestId, correlationId, key);
            case AccountEvent.BalanceWithdrawn withdrawn -> new DomainEvent.BalanceWithdrawn(eventId, accountId,
                    recorded.version(), at, withdrawn.amount().minorUnits(), balance, actor, requestId, correlationId, key);
        };
    }

    private static DomainEvent.Identity identity(Principal principal) {
        return new DomainEvent.Identity(principal.issuer(), principal.subject());
    }
}
