package dev.tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./tally test}: the launcher runs it (Maven cannot run from inside the jar it builds); it is here so that
 * {@code ./tally --help} lists it and {@code ./tally test --help} documents it, from the same place as every other
 * command.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Build everything and run every test, against real emulators.",
                "Unit tests and integration tests: runs mvn verify in the checkout after installing the pinned emulators "
                        + "and playwright-core (npm ci) and, where it is missing and it runs as root, Debian's Chromium for "
                        + "the dashboard's browser test (apt-get install chromium; without it that test is skipped). Every MAVEN_ARG is passed on unchanged, e.g. ./tally test -pl domain, or "
                        + "./tally test -pl infra/cli -Dtest=StreamPipelineTest.",
                "The ./tally launcher runs this command itself."})
final class TestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "Passed to mvn verify unchanged.")
    List<String> mavenArgs = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return TallyCli.runThroughLauncher(spec, "it runs Maven in the checkout");
    }
}
