package dev.tally.translator;

import dev.tally.contracts.DomainEvent;

import java.util.List;

/** Where published events go: Kinesis in production and locally (kinesalite). */
public interface EventPublisher {

    /**
     * Publishes the events, each account's in the order given. Failed entries are retried; what still fails after
     * the retry budget is returned, and the caller must report it so that it is delivered again.
     *
     * @return the events that could not be published, never null
     */
    List<DomainEvent> publish(List<DomainEvent> events);
}
