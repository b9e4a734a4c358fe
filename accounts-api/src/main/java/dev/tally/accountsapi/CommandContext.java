package dev.tally.accountsapi;

import dev.tally.domain.Principal;
import dev.tally.observability.Metrics;

import java.time.Clock;
import java.util.Objects;

/**
 * The request a command runs in: who acts, the ids recorded on its event, and the request's metrics (the command
 * service counts its retries there).
 */
public record CommandContext(Principal actor, String requestId, String correlationId, Metrics metrics) {

    public CommandContext {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A request without {@code traceparent} (correlated by its own id), whose metrics are not published. */
    public static CommandContext of(Principal actor, String requestId) {
        return new CommandContext(actor, requestId, requestId, new Metrics(AccountsApiRoute.SERVICE, Clock.systemUTC()));
    }
}
