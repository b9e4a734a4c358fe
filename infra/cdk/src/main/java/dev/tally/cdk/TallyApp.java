package dev.tally.cdk;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

import java.nio.file.Path;
import java.util.List;

/**
 * The CDK app. Context (cdk.json or {@code -c key=value}): {@code jwtIssuer} and {@code jwtAudience} for the HTTP
 * API's authorizer (required), {@code kinesisShards} for a provisioned stream (default: on-demand),
 * {@code throttleRate} and {@code throttleBurst} for the API stage (default: {@link TallyStack.Throttle#DEFAULT}),
 * {@code alarmEmail} for an e-mail subscription to the alarms' topic (default: none), {@code subscriberAccounts}
 * (comma-separated account ids) whose subscribers may read domain-events, and {@code tallyStreamArn} for the
 * example subscriber's stack (default: domain-events in the same account and region), with {@code tallyStreamKeyArn}
 * when Tally's stream is shared across accounts (its key of its own). The Lambda jars must be built
 * first: {@code ./tally synth} does both.
 */
public final class TallyApp {

    private TallyApp() {
    }

    public static void main(String[] args) {
        var app = new App();
        var issuer = (String) app.getNode().tryGetContext("jwtIssuer");
        var audience = (String) app.getNode().tryGetContext("jwtAudience");
        if (issuer == null || audience == null) {
            throw new IllegalArgumentException("set the context values jwtIssuer and jwtAudience, "
                    + "e.g. -c jwtIssuer=https://issuer.example.com/ -c jwtAudience=tally");
        }
        var shards = app.getNode().tryGetContext("kinesisShards");
        var rate = app.getNode().tryGetContext("throttleRate");
        var burst = app.getNode().tryGetContext("throttleBurst");
        var throttle = new TallyStack.Throttle(
                rate == null ? TallyStack.Throttle.DEFAULT.ratePerSecond() : Double.parseDouble(rate.toString()),
                burst == null ? TallyStack.Throttle.DEFAULT.burst() : Integer.parseInt(burst.toString()));
        var email = app.getNode().tryGetContext("alarmEmail");
        var subscribers = app.getNode().tryGetContext("subscriberAccounts");
        var streamArn = app.getNode().tryGetContext("tallyStreamArn");
        var streamKeyArn = app.getNode().tryGetContext("tallyStreamKeyArn");
        // ./tally synth runs this from the checkout's root, where the modules' target folders hold the jars
        var tally = new TallyStack(app, "Tally", StackProps.builder().build(), new TallyStack.Settings(Path.of("").toAbsolutePath(),
                issuer, audience, shards == null ? null : Integer.valueOf(shards.toString()), throttle,
                email == null ? null : email.toString(),
                subscribers == null || subscribers.toString().isBlank() ? List.of()
                        : List.of(subscribers.toString().trim().split("\\s*,\\s*"))));
        // a subscriber team's stack, as the example subscriber would deploy it
        new SubscriberExampleStack(app, "TallySubscriberExample", StackProps.builder().build(),
                Path.of("").toAbsolutePath(), streamArn == null ? null : streamArn.toString(),
                // a shared stream has a key of its own, which every reader, in this account too, must be let use
                streamKeyArn != null ? streamKeyArn.toString() : tally.domainEventsKeyArn().orElse(null));
        app.synth();
    }
}
