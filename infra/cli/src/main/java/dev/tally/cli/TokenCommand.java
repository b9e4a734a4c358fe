package dev.tally.cli;

import dev.tally.devstack.DevStack;
import dev.tally.http.ApiScopes;
import dev.tally.standins.oidc.LocalIdentityProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Prints a token from the running stack's identity provider. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a token that the running stack's API accepts.",
                "Signed with the local identity provider's current key (kept under the stack's data folder), for the "
                        + "issuer and audience the gateway's JWT authorizer trusts:",
                "  curl -H \"Authorization: Bearer $(./tally token --sub alice)\" $TALLY_API_URL/accounts/ID"})
final class TokenCommand implements Callable<Integer> {

    /** The identity provider's key set file in its folder. */
    private static final String SIGNING_KEYS = "signing-keys.jwks.json";

    @Option(names = "--sub", required = true, description = "The token's subject: who the caller is.")
    String subject;

    @Option(names = "--scope", defaultValue = ApiScopes.READ + " " + ApiScopes.WRITE,
            description = "Space-separated scopes (default: ${DEFAULT-VALUE}; also " + ApiScopes.ADMIN + ").")
    String scope;

    @Option(names = "--ttl", defaultValue = "1h", description = "How long it is valid: 30s, 15m, 1h, 2d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() throws Exception {
        var stack = StackEnvironment.running();
        var scopes = Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("--scope needs at least one scope, such as " + ApiScopes.READ);
        }
        System.out.println(mint(stack, subject, scopes, duration(ttl)));
        return 0;
    }

    /** A token minted with the running stack's signing key, for its issuer and audience. */
    static String mint(Map<String, String> stack, String subject, List<String> scopes, Duration ttl) {
        var keys = stack.get(DevStack.IDENTITY_KEYS);
        var issuer = stack.get(DevStack.ISSUER);
        if (keys == null || issuer == null) {
            throw new IllegalStateException("the running stack predates tokens; restart it with ./tally up");
        }
        // The provider below would make a new key set where there is none: a token the gateway would refuse.
        if (!Files.isRegularFile(Path.of(keys, SIGNING_KEYS))) {
            throw new IllegalStateException("no signing keys in " + keys + "; is ./tally up running from this checkout?");
        }
        // The provider loads the stack's key set from its folder; its own port is not the issuer, so name the issuer.
        try (var provider = new LocalIdentityProvider(0, Path.of(keys), Clock.systemUTC())) {
            return provider.token().issuer(issuer).subject(subject)
                    .audience(stack.getOrDefault(DevStack.AUDIENCE_EXPORT, DevStack.AUDIENCE))
                    .scopes(scopes).ttl(ttl).mint();
        }
    }

    static Duration duration(String text) {
        var unit = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
        if (text.length() < 2 || text.length() > 8) {
            throw new IllegalArgumentException("--ttl must be a positive number followed by s, m, h or d, was " + text);
        }
        try {
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            var duration = switch (unit) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> null;
            };
            if (duration != null && !duration.isNegative() && !duration.isZero()) {
                return duration;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--ttl must be a positive number followed by s, m, h or d, was " + text);
    }
}
