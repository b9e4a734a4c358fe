package dev.tally.eventstore;

import java.util.List;
import java.util.OptionalLong;

/**
 * A page of an account's history, oldest first.
 *
 * @param nextAfter the {@code afterVersion} that reads the next page, or empty on the last page
 */
public record EventPage(List<RecordedEvent> events, OptionalLong nextAfter) {

    public EventPage {
        events = List.copyOf(events);
    }
}
