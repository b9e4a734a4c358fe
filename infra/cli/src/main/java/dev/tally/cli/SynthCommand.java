package dev.tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code ./tally synth}: the launcher runs it (it builds the Lambda jars with Maven and runs the CDK app on their
 * classpath); it is here so that {@code ./tally --help} lists it and {@code ./tally synth --help} documents it.
 * The launcher reads the same options.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Build the Lambda jars and write the CloudFormation template.",
                "Builds the Lambda and KCL worker jars and synthesizes the CDK app into infra/cdk/cdk.out.",
                "cdk deploy then builds the workers' container image, which needs Docker.",
                "Deploy with: npx aws-cdk@2 deploy --app infra/cdk/cdk.out (infra/cdk/README.md has deploy and "
                        + "teardown).",
                "The ./tally launcher runs this command itself; it needs Maven and Node.js (the CDK's jsii)."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--jwt-issuer", paramLabel = "URL", defaultValue = "https://issuer.example.com/",
            description = "Issuer URL the HTTP API's JWT authorizer trusts (default: ${DEFAULT-VALUE}).")
    String jwtIssuer;

    @Option(names = "--jwt-audience", paramLabel = "AUD", defaultValue = "tally",
            description = "Audience the tokens must carry (default: ${DEFAULT-VALUE}).")
    String jwtAudience;

    @Option(names = "--kinesis-shards", paramLabel = "N",
            description = "Shards of a provisioned domain-events stream (default: an on-demand stream).")
    Integer kinesisShards;

    @Option(names = "--throttle-rate", paramLabel = "PER_SECOND", defaultValue = "100",
            description = "The API stage's steady request rate across all callers; beyond it API Gateway answers 429 "
                    + "(default: ${DEFAULT-VALUE}).")
    double throttleRate;

    @Option(names = "--throttle-burst", paramLabel = "N", defaultValue = "200",
            description = "The API stage's burst, above the steady rate (default: ${DEFAULT-VALUE}).")
    int throttleBurst;

    @Option(names = "--alarm-email", paramLabel = "ADDRESS",
            description = "Mail every alarm to this address (an SNS e-mail subscription, confirmed from the first "
                    + "mail). Default: the alarms' topic has no subscriber.")
    String alarmEmail;

    @Option(names = "--subscriber-accounts", paramLabel = "ID[,ID...]",
            description = "AWS accounts (12 digits each) whose subscribers may read domain-events: the stream's "
                    + "resource policy allows them to poll it, nothing more. Default: none (same-account subscribers only).")
    String subscriberAccounts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return TallyCli.runThroughLauncher(spec, "it builds with Maven and runs the CDK app");
    }
}
