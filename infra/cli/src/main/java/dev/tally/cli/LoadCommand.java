package dev.tally.cli;

import dev.tally.cli.demo.PipelineInvariants;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.LoadGenerator;
import dev.tally.cli.load.RenewingToken;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Puts load on the running stack and reports how the read side kept up. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Load the running stack and report how the read side kept up.",
                "Sends many concurrent credits and withdrawals to the HTTP API of ./tally up, waits until the balances "
                        + "projection shows every account at the write side's balance and version, and reports "
                        + "throughput and the projection's lag p50/p99. Exit code 1 if it does not catch up in 5 minutes."})
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--accounts", defaultValue = "200", description = "Accounts to open (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--commands", defaultValue = "4000", description = "Credits and withdrawals to send (default: ${DEFAULT-VALUE}).")
    int commands;

    @Option(names = "--concurrency", defaultValue = "16", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (accounts < 1 || commands < 0 || concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("need --accounts >= 1, --commands >= 0 and --concurrency 1 to 256, was "
                    + accounts + ", " + commands + ", " + concurrency);
        }
        // ApiClient keeps its connections alive, but the JDK keeps only 5 idle ones per host unless told: read once,
        // before this process's first connection
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(concurrency));
        }
        var stack = StackEnvironment.running();
        var progress = new Progress(System.out);
        var api = new ApiClient(URI.create(stack.get(DevStack.API_URL)), new RenewingToken(
                () -> TokenCommand.mint(stack, "load", RenewingToken.OWNER_SCOPES, DevStack.TOKEN_TTL), Clock.systemUTC()));
        var load = new LoadGenerator(api);
        var result = load.run(accounts, commands, concurrency, seed, progress::step, answered -> { });
        progress.step(String.format("%d commands in %.1f s: %.0f/s; statuses %s", result.commands(),
                result.took().toMillis() / 1000.0, result.perSecond(), result.statuses()));
        int total = result.accounts().size();
        var caughtUp = ConditionWait.until("the balances projection to show all " + total + " accounts at the write side's balance and version",
                Duration.ofMinutes(5), Duration.ofSeconds(1), () -> PipelineInvariants.balances(api, result.accounts()),
                PipelineInvariants.BalancesAgreement::holds,
                agreement -> progress.step("waiting for the projection: " + agreement.agreeing() + " of " + total + " accounts caught up"));
        caughtUp.timedOut().ifPresent(message -> System.err.println("tally: " + message));
        progress.step(caughtUp.last().agreeing() + " of " + total + " accounts: projected balance and version equal the write side's");
        try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
            var catalog = new ProjectionCatalog(dynamo, stack.getOrDefault(ProjectionEnvironment.CATALOG_TABLE, ProjectionCatalog.DEFAULT_NAME),
                    Clock.systemUTC());
            // the workers publish their figures every 2 s: wait for figures that include the whole load
            var since = Instant.now();
            var published = ConditionWait.until("a balances worker to publish its figures after the catch-up", Duration.ofSeconds(10),
                    Duration.ofMillis(250), () -> catalog.workers(ProjectionEnvironment.BALANCES),
                    workers -> workers.stream().anyMatch(w -> w.updatedAt().isAfter(since)), workers -> { });
            published.timedOut().ifPresent(message -> System.err.println("tally: " + message + "; the figures below may be older"));
            var figures = published.last();
            for (var worker : figures.stream().filter(w -> w.updatedAt().isAfter(since.minusSeconds(10))).toList()) {
                System.out.printf("projection lag (apply time - occurredAt), worker %s: p50 %d ms, p99 %d ms over %d events in the last minute%n",
                        worker.worker(), worker.lagP50Millis(), worker.lagP99Millis(), worker.samples());
            }
        }
        return caughtUp.met() ? 0 : 1;
    }
}
