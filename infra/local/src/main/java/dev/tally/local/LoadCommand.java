package dev.tally.local;

import dev.tally.projections.ProjectionCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Puts load on the running stack and reports how the read side kept up. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Send many concurrent commands to the running stack (./tally up), wait until the balances",
                "projection has caught up, and report throughput and the projection's lag p50/p99."})
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
        var stack = StackEnvironment.running();
        var progress = new Progress(System.out);
        var api = new ApiClient(URI.create(stack.get("TALLY_API_URL")));
        var load = new LoadGenerator(api);
        var result = load.run(accounts, commands, concurrency, seed, progress::step, answered -> { });
        progress.step(String.format("%d commands in %.1f s: %.0f/s; statuses %s", result.commands(),
                result.took().toMillis() / 1000.0, result.perSecond(), result.statuses()));
        var deadline = Instant.now().plusSeconds(300);
        int agreeing;
        while ((agreeing = load.agreeing(result.accounts())) < result.accounts().size() && Instant.now().isBefore(deadline)) {
            progress.step("waiting for the projection: " + agreeing + " of " + result.accounts().size() + " accounts caught up");
            Thread.sleep(1000);
        }
        progress.step(agreeing + " of " + result.accounts().size() + " accounts: projected balance and version equal the write side's");
        try (var dynamo = LocalStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
            var catalog = new ProjectionCatalog(dynamo, stack.getOrDefault("TALLY_PROJECTIONS_TABLE", ProjectionCatalog.DEFAULT_NAME),
                    Clock.systemUTC());
            // the workers publish their figures every 2 s: wait for figures that include the whole load
            var caughtUp = Instant.now();
            var figures = catalog.workers("balances");
            while (figures.stream().noneMatch(w -> w.updatedAt().isAfter(caughtUp)) && Instant.now().isBefore(caughtUp.plusSeconds(10))) {
                Thread.sleep(250);
                figures = catalog.workers("balances");
            }
            for (var worker : figures.stream().filter(w -> w.updatedAt().isAfter(caughtUp.minusSeconds(10))).toList()) {
                System.out.printf("projection lag (apply time - occurredAt), worker %s: p50 %d ms, p99 %d ms over %d events in the last minute%n",
                        worker.worker(), worker.lagP50Millis(), worker.lagP99Millis(), worker.samples());
            }
        }
        return agreeing == result.accounts().size() ? 0 : 1;
    }
}
