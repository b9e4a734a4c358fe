package dev.tally.cli;

import dev.tally.analytics.LakeBucket;
import dev.tally.analytics.LakeCompaction;
import dev.tally.analytics.LakeFolder;
import dev.tally.analytics.LakeObjects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/** The data lake's upkeep: compaction of closed days. */
@Command(name = "lake", mixinStandardHelpOptions = true,
        description = "Look after the data lake (see ./tally lake compact --help).",
        subcommands = {LakeCommand.Compact.class})
final class LakeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "compact", mixinStandardHelpOptions = true,
            description = {"Rewrite the lake's closed days de-duplicated.",
                "Reports then read them without de-duplicating.",
                    "A day is closed when it is before today's UTC date minus --grace-days. Each closed day that has raw "
                            + "objects under events/ is merged (with its compacted object, if any) into "
                            + "compacted/event_date=DAY/events.parquet, one row per event, and then its raw objects are "
                            + "deleted. Safe to re-run and to stop at any point: the reports are exact in between.",
                    "Without --dir it compacts the running stack's lake bucket (./tally up); with --dir a folder laid out "
                            + "like the bucket, such as the synthetic lake of ./tally bench-reports."})
    static final class Compact implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "FOLDER",
                description = "A lake folder (events/event_date=.../*.parquet) instead of the running stack's bucket, "
                        + "e.g. .tally/bench-lake/uncompacted.")
        Path dir;

        @Option(names = "--grace-days", defaultValue = "" + LakeCompaction.DEFAULT_GRACE_DAYS,
                description = "Days after a day's end before it is closed (default: ${DEFAULT-VALUE}).")
        int graceDays;

        @Option(names = "--dry-run", description = "Only list the closed days that would be compacted.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            if (dir != null) {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("--dir " + dir + " is not a folder");
                }
                return compact(new LakeFolder(dir));
            }
            var lake = LocalLake.of(StackEnvironment.running());
            try (var s3 = lake.s3()) {
                return compact(new LakeBucket(s3, lake.bucket()));
            }
        }

        private int compact(LakeObjects lake) throws Exception {
            var work = Files.createTempDirectory("tally-compaction-");
            try {
                var compaction = new LakeCompaction(lake, Clock.systemUTC(), graceDays, work);
                if (dryRun) {
                    var plans = compaction.plans();
                    System.out.println(plans.size() + " closed days (before " + compaction.firstOpenDay()
                            + ") have raw objects in " + lake.describe());
                    plans.forEach(p -> System.out.println("  " + p.day() + ": " + p.rawKeys().size() + " raw objects"));
                    return 0;
                }
                long started = System.nanoTime();
                var days = compaction.run(System.out::println);
                long removed = days.stream().mapToLong(LakeCompaction.Rewritten::duplicatesRemoved).sum();
                System.out.printf("compacted %d days in %.1f s, %d duplicates removed%n", days.size(),
                        (System.nanoTime() - started) / 1e9, removed);
                return 0;
            } finally {
                UpCommand.deleteRecursively(work);
            }
        }
    }
}
