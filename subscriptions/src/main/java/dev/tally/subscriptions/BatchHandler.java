package dev.tally.subscriptions;

import dev.tally.contracts.DomainEvent;

import java.util.List;

/**
 * A subscriber that takes a whole batch in one call, in any order: a sink such as Firehose, where one call per event
 * would cost too much and order does not matter. Failures are classified as for {@link EventHandler}; a batch that
 * cannot be handled is parked event by event, each with the reason. A handler that took all but some events throws
 * {@link BatchItemFailuresException} naming those: only they are retried alone or parked.
 */
@FunctionalInterface
public interface BatchHandler {

    /** Makes every event's effects durable before returning; a batch may be delivered again after a crash. */
    void handle(List<DomainEvent> events) throws Exception;
}
