package dev.tally.cli;

import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.projections.BalanceProjector;
import dev.tally.projections.BalancesRebuild;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Callable;

/** Operations on the read models. */
@Command(name = "projections", mixinStandardHelpOptions = true, description = "Operate the read models.",
        subcommands = ProjectionsCommand.Rebuild.class)
final class ProjectionsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Replay the events table into a new read model and switch to it.",
                    "The whole events table goes into a new read-model table, then readers switch to it.",
                    "Live workers keep running; re-running after an interruption finishes the job."})
    static final class Rebuild implements Callable<Integer> {

        @Parameters(index = "0", description = "The read model: balances.")
        String projection;

        @Option(names = "--segments", defaultValue = "4", description = "Parallel scan segments (default: ${DEFAULT-VALUE}).")
        int segments;

        @Override
        public Integer call() throws Exception {
            if (!projection.equals(ProjectionEnvironment.BALANCES)) {
                throw new IllegalArgumentException("unknown read model " + projection + "; known: " + ProjectionEnvironment.BALANCES);
            }
            if (segments < 1 || segments > 64) {
                throw new IllegalArgumentException("--segments must be 1 to 64, was " + segments);
            }
            var stack = StackEnvironment.running();
            var progress = new Progress(System.out);
            try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
                var clock = Clock.systemUTC();
                var store = EventStoreSettings.fromEnvironment(stack);
                var catalog = new ProjectionCatalog(dynamo, stack.getOrDefault(ProjectionEnvironment.CATALOG_TABLE,
                        ProjectionCatalog.DEFAULT_NAME), clock);
                var projector = new BalanceProjector(dynamo, new DynamoEventStore(dynamo, store.eventsTable(), store.snapshots()), clock);
                new BalancesRebuild(dynamo, catalog, projector, store.eventsTable(), clock, progress::step).run(segments);
            }
            return 0;
        }
    }
}
