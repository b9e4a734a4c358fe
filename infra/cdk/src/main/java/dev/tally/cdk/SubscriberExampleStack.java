package dev.tally.cdk;

import example.alerts.AlertsFunction;
import example.alerts.AlertsSettings;
import example.alerts.WithdrawalDaysTable;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.PolicyStatement;
import dev.tally.contracts.PublishedStream;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A subscriber team's stack, as the example subscriber ({@code examples/large-withdrawal-alerts}) would deploy it: the
 * {@link TallySubscriber} construct plus the team's own table. It shows the construct in use, and its template tests
 * check what the construct makes.
 */
public final class SubscriberExampleStack extends Stack {

    private final TallySubscriber subscriber;

    /**
     * @param artifacts the checkout root (the example's jar is in its target folder)
     * @param streamArn Tally's domain-events stream, or null for the one named {@code domain-events} in this account
     *                  and region
     * @param streamKeyArn the stream's KMS key when Tally shares it across accounts, or null
     */
    public SubscriberExampleStack(Construct scope, String id, StackProps props, Path artifacts, String streamArn,
                                  String streamKeyArn) {
        super(scope, id, props);
        var arn = streamArn != null ? streamArn : formatArn(ArnComponents.builder().service("kinesis").resource("stream")
                .resourceName(PublishedStream.DEFAULT_NAME).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
        var subscription = AlertsSettings.DEFAULT_SUBSCRIPTION;
        var days = Table.Builder.create(this, "WithdrawalDays")
                .tableName(AlertsSettings.fromEnvironment(Map.of()).table())
                .partitionKey(Attribute.builder().name(WithdrawalDaysTable.ACCOUNT_ID).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(WithdrawalDaysTable.DAY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN).build();
        subscriber = new TallySubscriber(this, "Alerts", new TallySubscriber.Props(subscription, arn,
                new TallySubscriber.Runner.Lambda(
                        artifacts.resolve("examples/large-withdrawal-alerts/target/large-withdrawal-alerts-lambda.jar"),
                        AlertsFunction.class.getName(), false),
                Map.of(AlertsSettings.TABLE, days.getTableName(),
                        AlertsSettings.THRESHOLD_MINOR, Long.toString(AlertsSettings.DEFAULT_THRESHOLD_MINOR)),
                streamKeyArn));
        subscriber.grantee().getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
                .resources(List.of(days.getTableArn())).build());
    }

    public TallySubscriber subscriber() {
        return subscriber;
    }
}
