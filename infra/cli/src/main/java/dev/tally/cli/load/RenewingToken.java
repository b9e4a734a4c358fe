package dev.tally.cli.load;

import dev.tally.devstack.DevStack;
import dev.tally.http.ApiScopes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A caller's bearer token that is minted again before it expires, as a client renews its access token: a long load
 * run keeps working, and signing happens once per half hour instead of once per request.
 */
public final class RenewingToken implements Supplier<String> {

    /** The scopes an account holder's token carries. */
    public static final List<String> OWNER_SCOPES = ApiScopes.OWNER;
    /** Renewing at half a token's lifetime leaves room for slow requests. */
    private static final Duration RENEW_AFTER = DevStack.TOKEN_TTL.dividedBy(2);

    private final Supplier<String> mint;
    private final Clock clock;
    private String token;
    private Instant minted = Instant.MIN;

    public RenewingToken(Supplier<String> mint, Clock clock) {
        this.mint = mint;
        this.clock = clock;
    }

    /** An account holder's token from the dev stack's identity provider. */
    public static RenewingToken of(DevStack stack, String subject) {
        return new RenewingToken(() -> stack.token(subject, OWNER_SCOPES), Clock.systemUTC());
    }

    /**
     * An auditor's token: {@code ledger:admin} alone, which reads every account and statement and moves no money.
     * What checks across many callers' accounts use.
     */
    public static RenewingToken auditor(DevStack stack, String subject) {
        return new RenewingToken(() -> stack.token(subject, List.of(ApiScopes.ADMIN)), Clock.systemUTC());
    }

    @Override
    public synchronized String get() {
        var now = clock.instant();
        if (token == null || !now.isBefore(minted.plus(RENEW_AFTER))) {
            token = mint.get();
            minted = now;
        }
        return token;
    }
}
