package dev.tally.local;

import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventTable;
import dev.tally.projections.BalanceProjector;
import dev.tally.projections.BalancesRebuild;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Callable;

/** Operations on the read models. */
@Command(name = "projections", mixinStandardHelpOptions = true, description = "Operate the read models.",
        subcommands = ProjectionsCommand.Rebuild.class)
final class ProjectionsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Replay the whole events table into a new read-model table, then switch readers to it.",
                    "Live workers keep running; re-running after an interruption finishes the job."})
    static final class Rebuild implements Callable<Integer> {

        @Parameters(index = "0", description = "The read model: balances.")
        String projection;

        @Option(names = "--segments", defaultValue = "4", description = "Parallel scan segments (default: ${DEFAULT-VALUE}).")
        int segments;

        @Override
        public Integer call() throws Exception {
            if (!projection.equals("balances")) {
                throw new IllegalArgumentException("unknown read model " + projection + "; known: balances");
            }
            if (segments < 1 || segments > 64) {
                throw new IllegalArgumentException("--segments must be 1 to 64, was " + segments);
            }
            var stack = StackEnvironment.running();
            var progress = new Progress(System.out);
            try (var dynamo = LocalStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
                var clock = Clock.systemUTC();
                var eventsTable = stack.getOrDefault("TALLY_EVENTS_TABLE", EventTable.DEFAULT_NAME);
                var catalog = new ProjectionCatalog(dynamo, stack.getOrDefault(ProjectionEnvironment.CATALOG_TABLE,
                        ProjectionCatalog.DEFAULT_NAME), clock);
                var projector = new BalanceProjector(dynamo, new DynamoEventStore(dynamo, eventsTable, SnapshotPolicy.defaults()), clock);
                new BalancesRebuild(dynamo, catalog, projector, eventsTable, clock, progress::step).run(segments);
            }
            return 0;
        }
    }
}
