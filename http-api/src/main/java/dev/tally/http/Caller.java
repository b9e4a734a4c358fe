package dev.tally.http;

import dev.tally.domain.Principal;
import dev.tally.observability.Correlation;
import dev.tally.observability.Metrics;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, as the verified token says, and the request they are in.
 *
 * <p><b>Who may see what.</b> An account answers only its owner: reading needs {@link ApiScopes#READ} and to be the
 * owner, or {@link ApiScopes#ADMIN} (support and auditors read any account, including those opened before owners were
 * recorded). Moving money needs {@link ApiScopes#WRITE} and to be the owner, whatever other scopes the token has: the
 * account's rules ({@code AccountDecider}) enforce that part. Anyone else is told the account does not exist.
 *
 * @param scopes    the token's scopes, as API Gateway passes them
 * @param requestId     API Gateway's id for this request, recorded on every event it causes
 * @param correlationId the id that follows the request through every part ({@link Correlation}), likewise recorded
 * @param metrics       the request's metrics, flushed when it has been answered
 */
public record Caller(Principal principal, Set<String> scopes, String requestId, String correlationId, Metrics metrics) {

    public Caller {
        Objects.requireNonNull(principal, "principal");
        scopes = Set.copyOf(scopes);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** True if the token has at least one of {@code anyOf}, as API Gateway's route authorization asks. */
    public boolean hasAnyScope(List<String> anyOf) {
        return anyOf.stream().anyMatch(scopes::contains);
    }

    /**
     * True if this caller may read an account owned by {@code owner} (null: an account opened before owners were
     * recorded). The account must exist; the caller has already passed the route's scopes.
     */
    public boolean mayRead(Principal owner) {
        return scopes.contains(ApiScopes.ADMIN) || scopes.contains(ApiScopes.READ) && principal.equals(owner);
    }
}
