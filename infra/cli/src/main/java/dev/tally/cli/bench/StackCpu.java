package dev.tally.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CPU time the whole local stack has used: this process (the API gateway, the handlers, the stand-ins, the
 * translator, the benchmark's clients) and every process it started (the emulators, the workers), as the kernel
 * accounts it in {@code /proc}. A difference over a run, divided by its commands, is the CPU one command costs the
 * machine, wherever it is spent.
 */
final class StackCpu {

    /** USER_HZ: the unit of /proc's CPU times, 100 on Linux everywhere that matters. */
    private static final long TICKS_PER_SECOND = 100;

    private StackCpu() {
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /** Milliseconds of CPU used so far by this process and its descendants that are alive. */
    static long millis() {
        return byPart().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The CPU time the kernel has charged to process {@code pid} (user and system), in milliseconds; 0 if gone. */
    static long processMillis(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the fields after the command name, which is in brackets and may hold spaces
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1000 / TICKS_PER_SECOND;
        } catch (NoSuchFileException gone) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #millis} split by part of the stack, named from each process's command line: this JVM (the gateway,
     * the handlers, the stand-ins, the translator, the example subscriber, the benchmark's clients), the emulators
     * and the workers.
     */
    static java.util.Map<String, Long> byPart() {
        var parts = new java.util.TreeMap<String, Long>();
        if (!available()) {
            return parts;
        }
        parts.put("this JVM", processMillis(ProcessHandle.current().pid()));
        for (var child : ProcessHandle.current().descendants().toList()) {
            var command = child.info().commandLine().orElse("");
            String part;
            if (command.contains("BalanceProjectionApp")) {
                part = "balances worker";
            } else if (command.contains("LakeWriterApp")) {
                part = "lake writer";
            } else if (command.contains("kinesalite")) {
                part = "kinesalite";
            } else if (command.contains("dynalite")) {
                part = "dynalite";
            } else if (command.contains("s3rver")) {
                part = "s3rver";
            } else {
                part = "other";
            }
            parts.merge(part, processMillis(child.pid()), Long::sum);
        }
        return parts;
    }

    /** What each part used between two {@link #byPart} readings. */
    static java.util.Map<String, Long> minus(java.util.Map<String, Long> after, java.util.Map<String, Long> before) {
        var used = new java.util.TreeMap<String, Long>();
        after.forEach((part, ms) -> used.put(part, ms - before.getOrDefault(part, 0L)));
        return used;
    }
}
