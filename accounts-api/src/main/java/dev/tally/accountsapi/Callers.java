package dev.tally.accountsapi;

import dev.tally.http.Caller;

/** From the HTTP caller to the command service's view of the request. */
final class Callers {

    private Callers() {
    }

    static CommandContext commandContext(Caller caller) {
        return new CommandContext(caller.principal(), caller.requestId(), caller.correlationId(), caller.metrics());
    }
}
