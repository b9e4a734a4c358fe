package dev.tally.domain;

import java.util.List;

/** The outcome of deciding a command: the new events, or a refusal. */
public sealed interface Decision {

    record Accepted(List<AccountEvent> events) implements Decision {
        public Accepted {
            events = List.copyOf(events);
        }
    }

    record Rejected(Rejection rejection) implements Decision {
    }
}
