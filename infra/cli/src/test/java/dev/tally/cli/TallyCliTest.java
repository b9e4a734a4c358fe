package dev.tally.cli;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's one help, and what it does with typos. Parses only: no stack is started. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class TallyCliTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        var cli = TallyCli.commandLine();
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Every command under {@code tally}, at any depth ({@code projections rebuild} too). */
    private static List<CommandLine> everyCommand(CommandLine parent) {
        var all = new ArrayList<CommandLine>();
        for (var sub : parent.getSubcommands().values()) {
            all.add(sub);
            all.addAll(everyCommand(sub));
        }
        return all;
    }

    /** What picocli shows in its command list: the first header line if there is one, else the first description line. */
    private static String summary(CommandLine command) {
        var usage = command.getCommandSpec().usageMessage();
        return usage.header().length > 0 ? usage.header()[0] : usage.description().length > 0 ? usage.description()[0] : "";
    }

    @Test
    void the_top_level_help_lists_every_registered_command() {
        var help = run("--help");

        assertThat(help.exitCode()).isZero();
        var names = TallyCli.commandLine().getSubcommands().keySet();
        assertThat(names).contains("demo", "test", "up", "env", "report", "tail", "dead-letters", "status", "load",
                "projections", "bench-reports", "synth", "help");
        for (var name : names) {
            var summary = summary(TallyCli.commandLine().getSubcommands().get(name));
            assertThat(help.out()).as("the help's line for %s", name)
                    .containsPattern("(?m)^  " + Pattern.quote(name) + " +" + Pattern.quote(summary) + "$");
        }
    }

    @Test
    void tally_alone_and_tally_help_print_the_same_help() {
        var alone = run();
        var help = run("help");

        assertThat(alone.exitCode()).isZero();
        assertThat(help.exitCode()).isZero();
        assertThat(alone.out()).isEqualTo(help.out()).isEqualTo(run("--help").out());
    }

    @Test
    void every_command_has_a_one_line_summary_that_is_a_sentence_ending_in_a_full_stop() {
        var width = TallyCli.commandLine().getCommandSpec().usageMessage().width();
        for (var command : everyCommand(TallyCli.commandLine())) {
            var name = command.getCommandSpec().qualifiedName();
            var summary = summary(command);
            assertThat(summary).as("the summary of %s", name).matches("[A-Z][^\\n]*[^.]\\.");
            // picocli lists it after two spaces, the longest command name and two more: it must not wrap
            int nameColumn = 2 + command.getParent().getSubcommands().keySet().stream().mapToInt(String::length).max().orElseThrow() + 2;
            assertThat(nameColumn + summary.length()).as("the width of the summary of %s: %s", name, summary).isLessThanOrEqualTo(width);
        }
    }

    @Test
    void help_for_test_and_synth_comes_from_the_cli_with_their_real_options() {
        var synth = run("help", "synth");
        var test = run("test", "--help");

        assertThat(synth.exitCode()).isZero();
        assertThat(synth.out()).contains("--jwt-issuer=URL", "--jwt-audience=AUD", "--kinesis-shards=N", "infra/cdk/cdk.out");
        assertThat(test.exitCode()).isZero();
        assertThat(test.out()).contains("Usage: tally test", "[MAVEN_ARG...]", "mvn verify");
    }

    @Test
    void test_and_synth_run_from_the_jar_exit_2_and_say_to_use_the_launcher() {
        var test = run("test", "-pl", "domain", "-Dtest=AccountDeciderTest");
        var synth = run("synth", "--kinesis-shards", "2");

        assertThat(test.exitCode()).isEqualTo(2);
        assertThat(test.err()).contains("./tally test").doesNotContain("Unknown option");
        assertThat(synth.exitCode()).isEqualTo(2);
        assertThat(synth.err()).contains("./tally synth");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nosuch                            | unknown command 'nosuch'
            nosuch --help                     | unknown command 'nosuch'
            help nosuch                       | 'nosuch'
            taill                             | Did you mean ./tally tail?
            up --nosuch                       | '--nosuch'
            up --nosuch --help                | '--nosuch'
            --nosuch                          | '--nosuch'
            projections nosuch                | unknown command 'nosuch'
            projections rebuild balances --x  | '--x'
            tail extra                        | unexpected argument 'extra'
            """)
    void an_unknown_command_or_option_exits_non_zero_and_names_it(String args, String named) {
        var result = run(args.split(" "));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains(named);
        assertThat(result.out()).as("no help on stdout, as if it had worked").isEmpty();
    }
}
