package dev.tally.cli;

import dev.tally.devstack.Progress;
import dev.tally.devstack.StackSubscriptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Operations on the subscriptions of domain-events. */
@Command(name = "subscriptions", mixinStandardHelpOptions = true, description = "Operate subscriptions of domain-events.",
        subcommands = SubscriptionsCommand.Replay.class)
final class SubscriptionsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Start a new subscription from the beginning of time.",
                    "On the running stack, it reads the lake's whole history first (synced from S3), then switches to the stream at a point "
                            + "that overlaps it; positions skip what both hold, so it sees every event once, in "
                            + "per-account order. The subscription is the example subscriber's rule (large withdrawal "
                            + "alerts) under NAME, with tables of its own: NAME-days (its alerts), NAME-positions, "
                            + "NAME-dead-letters and the lease table NAME. It then keeps following the stream until "
                            + "Ctrl-C (or, with --until-caught-up, until it has caught up). Running it again resumes."})
    static final class Replay implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The new subscription's name (letters, digits, '-').")
        String name;

        @Option(names = "--from-lake", required = true, description = "Read the lake's history before the stream.")
        boolean fromLake;

        @Option(names = "--until-caught-up", description = "Stop once every shard is caught up, instead of following the stream.")
        boolean untilCaughtUp;

        @Option(names = "--timeout", defaultValue = "PT5M", paramLabel = "DURATION",
                description = "With --until-caught-up: give up after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9-]{0,100}")) {
                throw new IllegalArgumentException("NAME must be letters, digits and '-', was " + name);
            }
            if (StackSubscriptions.find(name).isPresent()) {
                throw new IllegalArgumentException(name + " is a subscription the stack runs already; name a new one");
            }
            var stack = StackEnvironment.running();
            var progress = new Progress(System.out);
            var cache = TallyCli.home().resolve(".tally/replay-cache").resolve(name);
            var stopped = new CountDownLatch(1);
            var closed = new CountDownLatch(1);
            // Ctrl-C: let the worker finish its batch and checkpoint before the JVM goes
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                try {
                    closed.await(15, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            try (var replay = LakeReplay.start(stack, name, cache, progress::step)) {
                var deadline = System.nanoTime() + timeout.toNanos();
                long reported = 0;
                while (true) {
                    var lag = replay.lag();
                    boolean caughtUp = lag.stream().allMatch(dev.tally.subscriptions.StreamLag.Shard::caughtUp);
                    var handled = replay.subscription().handled();
                    if (handled != reported || caughtUp) {
                        progress.step("stream: " + (caughtUp ? "caught up" : "catching up, lag " + lag.stream()
                                .mapToLong(s -> s.lag().toMillis()).max().orElse(0) + " ms") + "; " + handled
                                + " events handled in all, " + replay.subscription().parked() + " parked");
                        reported = handled;
                    }
                    if (untilCaughtUp && caughtUp) {
                        progress.step("replay of " + name + " caught up: " + replay.history().events()
                                + " events from the lake, then the stream");
                        return 0;
                    }
                    if (untilCaughtUp && System.nanoTime() > deadline) {
                        progress.step("gave up after " + timeout + ": not caught up yet (run it again to go on)");
                        return 1;
                    }
                    if (stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                        return 0;
                    }
                }
            } finally {
                closed.countDown();
            }
        }
    }
}
