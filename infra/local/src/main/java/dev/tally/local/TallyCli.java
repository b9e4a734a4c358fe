package dev.tally.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/** The {@code ./tally} command line. The launcher script handles {@code test} itself (it runs Maven). */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.1.0",
        description = "Tally, an event-sourced bank ledger on AWS serverless, run on this machine.",
        subcommands = {UpCommand.class, DemoCommand.class, EnvCommand.class, TailCommand.class, DeadLettersCommand.class,
                StatusCommand.class, LoadCommand.class, ProjectionsCommand.class, ReportCommand.class, BenchReportsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Also: ./tally test   builds everything and runs every test (Maven)."})
public final class TallyCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The checkout's root: where .tally/ (data, the running stack's settings) lives. */
    static Path home() {
        var configured = System.getenv("TALLY_HOME");
        return Path.of(configured == null || configured.isBlank() ? "." : configured).toAbsolutePath().normalize();
    }

    static Path stackFile() {
        return home().resolve(".tally/stack.env");
    }

    public static void main(String[] args) {
        // kinesalite fails any response over ~16 KiB when the SDK speaks CBOR (DESIGN.md).
        System.setProperty("aws.cborEnabled", "false");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        var commandLine = new CommandLine(new TallyCli());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("tally: " + e.getMessage()));
            return 1;
        });
        int status = 1;
        try {
            status = commandLine.execute(args);
        } finally {
            // even after an Error, exit: shutdown hooks stop the emulators, and no stray thread keeps us alive
            System.exit(status);
        }
    }
}
