package dev.tally.http;

import java.util.List;

/**
 * The OAuth scopes of Tally's HTTP API. A route lists the scopes that admit a token to it (API Gateway's
 * {@code authorizationScopes}: the token needs at least one of them, in its {@code scope} or {@code scp} claim).
 */
public final class ApiScopes {

    /** Reading one's own accounts and statements. */
    public static final String READ = "ledger:read";
    /** Opening accounts and moving money in one's own accounts. */
    public static final String WRITE = "ledger:write";
    /** Support and auditors: reading any account and statement, never moving money. */
    public static final String ADMIN = "ledger:admin";

    /** What an account holder's token carries: reading and moving money in their own accounts. */
    public static final List<String> OWNER = List.of(READ, WRITE);
    /** The scopes that admit a token to a route that reads. */
    public static final List<String> READ_ROUTES = List.of(READ, ADMIN);
    /** The scopes that admit a token to a route that writes. */
    public static final List<String> WRITE_ROUTES = List.of(WRITE);

    private ApiScopes() {
    }
}
