package dev.tally.cli;

import dev.tally.cli.demo.DemoCommand;
import dev.tally.emulators.Kinesalite;
import dev.tally.emulators.TallyHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code ./tally} command line, and its one help: every command is a subcommand here, including {@code test}
 * and {@code synth}, which the launcher script runs itself (they are documented here and refuse to run from the
 * jar). An unknown command or option exits with {@value #INVALID_INPUT} and names it.
 */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.1.0",
        description = "Tally, an event-sourced bank ledger on AWS serverless, run on this machine.",
        commandListHeading = "%nCommands:%n",
        subcommands = {DemoCommand.class, TestCommand.class, UpCommand.class, EnvCommand.class, TokenCommand.class, ReportCommand.class, SqlCommand.class, DashboardCommand.class,
                SubscriptionsCommand.class,
                TailCommand.class, LogsCommand.class, MetricsCommand.class, DeadLettersCommand.class, StatusCommand.class, LoadCommand.class, ProjectionsCommand.class,
                LakeCommand.class, dev.tally.cli.bench.BenchCommand.class, BenchReportsCommand.class, SynthCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "./tally help COMMAND or ./tally COMMAND --help shows a command's options.",
                "The launcher finds a JDK 21+ and installs the pinned emulators (npm ci) itself."})
public final class TallyCli implements Runnable {

    /** picocli's exit code for invalid input: an unknown command or option, a missing or malformed value. */
    static final int INVALID_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The checkout's root: where .tally/ (data, the running stack's settings) lives. */
    public static Path home() {
        return TallyHome.configured().orElse(Path.of(".").toAbsolutePath().normalize());
    }

    static Path stackFile() {
        return home().resolve(".tally/stack.env");
    }

    /** The command line as {@link #main} runs it. */
    public static CommandLine commandLine() {
        var commandLine = new CommandLine(new TallyCli());
        // ./tally test passes Maven's own options (-pl, -Dtest=...) on; they are not ours to reject
        commandLine.getSubcommands().get("test").setUnmatchedOptionsArePositionalParams(true);
        commandLine.setExecutionStrategy(parsed -> {
            rejectUnmatched(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setParameterExceptionHandler(TallyCli::invalidInput);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("tally: " + e.getMessage()));
            return 1;
        });
        return commandLine;
    }

    /**
     * picocli lets unmatched arguments through when a help option is also given, so {@code ./tally nosuch --help}
     * would print the help and exit 0, and a typo would look like success.
     */
    private static void rejectUnmatched(ParseResult parsed) {
        for (var level = parsed; level != null; level = level.subcommand()) {
            if (!level.unmatched().isEmpty()) {
                throw new UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
            }
        }
    }

    private static int invalidInput(ParameterException e, String[] args) {
        var cmd = e.getCommandLine();
        var err = cmd.getErr();
        var message = e.getMessage();
        var suggestions = List.<String>of();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption() && !unmatched.getUnmatched().isEmpty()) {
            var typed = unmatched.getUnmatched().getFirst();
            if (cmd.getSubcommands().isEmpty()) {
                message = "unexpected argument '" + typed + "'";
            } else {
                message = "unknown command '" + typed + "'";
                suggestions = unmatched.getSuggestions().stream().filter(name -> looksLike(typed, name)).toList();
            }
        }
        err.println(cmd.getColorScheme().errorText("tally: " + message));
        if (!suggestions.isEmpty()) {
            var qualified = cmd.getCommandSpec().qualifiedName();
            err.println("Did you mean " + String.join(" or ", suggestions.stream().map(name -> "./" + qualified + " " + name).toList()) + "?");
        }
        err.println("See ./" + cmd.getCommandSpec().qualifiedName() + " --help.");
        return INVALID_INPUT;
    }

    /** A typo of {@code name}: at most a third of its letters (and at least 2) changed, added or left out. */
    private static boolean looksLike(String typed, String name) {
        var previous = new int[name.length() + 1];
        for (int j = 0; j <= name.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= typed.length(); i++) {
            var current = new int[name.length() + 1];
            current[0] = i;
            for (int j = 1; j <= name.length(); j++) {
                int substitution = previous[j - 1] + (typed.charAt(i - 1) == name.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[name.length()] <= Math.max(2, name.length() / 3);
    }

    /** For the commands the launcher runs itself, when the jar is run directly. */
    static int runThroughLauncher(CommandSpec spec, String why) {
        spec.commandLine().getErr().println("tally: run this through the launcher, ./" + spec.qualifiedName()
                + ": " + why + ", which the CLI jar cannot do from inside itself.");
        return INVALID_INPUT;
    }

    /** The CLI's log4j2 configuration: warnings and errors, readable, on stderr. */
    static final String CLI_LOG_CONFIG = "log4j2-cli.xml";

    public static void main(String[] args) {
        Kinesalite.disableCbor();
        dev.tally.standins.http.JdkHttpClients.noSilentPostRetries();
        // before any logger exists: the CLI's own warnings on stderr, not the deployed jars' JSON on stdout
        System.setProperty("log4j2.configurationFile", System.getProperty("log4j2.configurationFile", CLI_LOG_CONFIG));
        int status = 1;
        try {
            status = commandLine().execute(args);
        } finally {
            // even after an Error, exit: shutdown hooks stop the emulators, and no stray thread keeps us alive
            System.exit(status);
        }
    }
}
