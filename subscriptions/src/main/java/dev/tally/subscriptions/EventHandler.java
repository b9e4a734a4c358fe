package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;

/**
 * What a subscriber does with each event, one at a time, each account's events in the order they arrive.
 *
 * <p>How a failure is handled depends on what is thrown:
 * <ul>
 *   <li>{@link PoisonEventException}: this event can never be handled; it is parked at once.</li>
 *   <li>{@link RetryLaterException}, or anything the AWS SDK counts as transient (throttling, 5xx, timeouts):
 *   tried again with backoff, up to the subscription's limit, then parked.</li>
 *   <li>anything else (access denied, a bug, bad data): parked at once, since trying again gives the same answer.</li>
 * </ul>
 * A parked event is in the subscription's {@link DeadLetterStore} with the reason and the raw record, and the stream
 * moves on: a bad event never stalls a shard. The account's later events are still handed over, so a handler that
 * needs every version must notice the gap. When {@link Subscription#OUTAGE_AFTER} events in a row fail not by their
 * own fault, the batch is held instead of parked: that is an outage.
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * Makes the event's effects durable before returning. The kit checkpoints only after every event of a batch has
     * returned or been parked, so an event may be delivered again after a crash: make the effect idempotent on the
     * event's id, or on (account, version).
     */
    void handle(DomainEvent event) throws Exception;
}
