package dev.tally.cdk;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The subscriber construct, in the example subscriber's stack. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class TallySubscriberTest {

    private static final String STREAM = "arn:aws:kinesis:eu-west-1:111122223333:stream/domain-events";
    private static Template template;

    @BeforeAll
    static void synthesize() {
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        template = Template.fromStack(new SubscriberExampleStack(new App(), "Subscriber", StackProps.builder().build(), home, STREAM,
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
    }

    @Test
    void the_function_reads_domain_events_through_a_mapping_with_the_kits_settings_and_an_on_failure_queue() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", STREAM,
                "StartingPosition", "TRIM_HORIZON",
                "BatchSize", 100,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", -1,
                "MaximumRecordAgeInSeconds", 6 * 3600,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue()))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "example.alerts.AlertsFunction",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("TALLY_SUBSCRIPTION", "large-withdrawal-alerts")))));
    }

    @Test
    void it_makes_the_subscriptions_position_and_dead_letter_tables_and_alarms_on_lag_and_dead_letters() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "large-withdrawal-alerts-positions",
                "KeySchema", List.of(Map.of("AttributeName", "AccountId", "KeyType", "HASH"))));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "large-withdrawal-alerts-dead-letters"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "IteratorAge", "Threshold", 60_000));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ConsumedWriteCapacityUnits"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ApproximateNumberOfMessagesVisible"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void its_grants_name_actions_and_resources_without_wildcards() {
        var actions = new ArrayList<String>();
        template.findResources("AWS::IAM::Policy").forEach((name, resource) -> {
            var document = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) resource).get("Properties"))
                    .get("PolicyDocument");
            for (var statement : (List<Map<String, Object>>) document.get("Statement")) {
                var action = statement.get("Action");
                var list = action instanceof List<?> many ? (List<String>) many : List.of((String) action);
                actions.addAll(list);
                List<Object> resources = statement.get("Resource") instanceof List<?> many ? (List<Object>) many
                        : List.of(statement.get("Resource"));
                // X-Ray's actions have no resources; PutMetricData has none either, so it is limited by namespace
                if (list.stream().allMatch(a -> a.startsWith("xray:"))) {
                    continue;
                }
                if (list.equals(List.of("cloudwatch:PutMetricData"))) {
                    assertThat(statement.get("Condition").toString()).contains("cloudwatch:namespace=KCL/");
                    continue;
                }
                assertThat(resources).as(name + " " + list).doesNotContain((Object) "*");
            }
        });
        assertThat(actions).noneMatch(a -> a.equals("*") || a.endsWith(":*"))
                .contains("kinesis:GetRecords", "kinesis:GetShardIterator", "dynamodb:GetItem", "dynamodb:UpdateItem",
                        "dynamodb:PutItem", "sqs:SendMessage", "logs:PutLogEvents", "kms:Decrypt")
                .doesNotContain("dynamodb:Scan", "dynamodb:DeleteItem", "kinesis:PutRecord", "kinesis:PutRecords");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_function_role_carries_no_managed_policy_whose_actions_would_be_on_every_resource() {
        template.findResources("AWS::IAM::Role").forEach((name, resource) -> {
            var properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            assertThat(properties).as(name).doesNotContainKey("ManagedPolicyArns");
        });
    }

    @Test
    void an_enhanced_fan_out_subscriber_reads_through_its_own_consumer() {
        var app = new App();
        var stack = new software.amazon.awscdk.Stack(app, "Efo");
        new TallySubscriber(stack, "Efo", new TallySubscriber.Props("efo-subscriber", STREAM,
                new TallySubscriber.Runner.Lambda(Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath()
                        .normalize().resolve("examples/large-withdrawal-alerts/target/large-withdrawal-alerts-lambda.jar"),
                        "example.alerts.AlertsFunction", true), Map.of(), null));
        var efo = Template.fromStack(stack);
        efo.hasResourceProperties("AWS::Kinesis::StreamConsumer", Map.of("ConsumerName", "efo-subscriber", "StreamARN", STREAM));
        efo.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_worker_subscriber_runs_as_a_fargate_service_with_its_kcl_tables_and_only_the_grants_it_needs() {
        var app = new App();
        var stack = new software.amazon.awscdk.Stack(app, "Worker");
        var vpc = software.amazon.awscdk.services.ec2.Vpc.Builder.create(stack, "Vpc").maxAzs(2).natGateways(1).build();
        var cluster = software.amazon.awscdk.services.ecs.Cluster.Builder.create(stack, "Cluster").vpc(vpc).build();
        new TallySubscriber(stack, "Alerts", new TallySubscriber.Props("alerts-worker", STREAM,
                new TallySubscriber.Runner.Worker(Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath()
                        .normalize().resolve("examples/large-withdrawal-alerts/target/large-withdrawal-alerts-worker.jar"),
                        cluster), Map.of(), null));
        var worker = Template.fromStack(stack);

        worker.hasResourceProperties("AWS::ECS::Service", Map.of("DesiredCount", 2));
        worker.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "alerts-worker",
                "GlobalSecondaryIndexes", Match.arrayWith(List.of(Match.objectLike(Map.of("IndexName", "LeaseOwnerToLeaseKeyIndex"))))));
        worker.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "alerts-worker-positions"));
        worker.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", List.of(Match.objectLike(Map.of(
                "Command", List.of("/app/large-withdrawal-alerts-worker.jar"),
                "Environment", Match.arrayWith(List.of(
                        // sorted by name, so that a synth gives the same list every time
                        Map.of("Name", "TALLY_DOMAIN_EVENTS_STREAM", "Value", STREAM),
                        Map.of("Name", "TALLY_SUBSCRIPTION", "Value", "alerts-worker"))))))));
        worker.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
        var actions = new ArrayList<String>();
        worker.findResources("AWS::IAM::Policy").forEach((name, resource) -> {
            var document = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) resource).get("Properties"))
                    .get("PolicyDocument");
            for (var statement : (List<Map<String, Object>>) document.get("Statement")) {
                var action = statement.get("Action");
                actions.addAll(action instanceof List<?> many ? (List<String>) many : List.of((String) action));
            }
        });
        assertThat(actions).noneMatch(a -> a.equals("*") || a.endsWith(":*"))
                .contains("kinesis:GetRecords", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem")
                .doesNotContain("dynamodb:CreateTable", "kinesis:PutRecords");
    }
}
