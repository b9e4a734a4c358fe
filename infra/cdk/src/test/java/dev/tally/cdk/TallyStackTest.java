package dev.tally.cdk;

import dev.tally.accountsapi.AccountsApiRoute;
import dev.tally.translator.TranslatorMapping;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the synthesized CloudFormation template. Synthesis is offline (CDK_VALIDATION=false). */
@DisplayNameGeneration(ReplaceUnderscores.class)
class TallyStackTest {

    /** Actions that have no resource-level permissions: only these may name resource "*". */
    private static final Set<String> RESOURCELESS_ACTIONS = Set.of("dynamodb:ListStreams", "ecr:GetAuthorizationToken",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData");

    private static Template template;

    private static Template synth(Integer shards) {
        var app = new App();
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        var stack = new TallyStack(app, "Tally", StackProps.builder().build(),
                new TallyStack.Settings(home, "https://issuer.example.com/", "tally-api", shards,
                        new TallyStack.Throttle(25, 50), "ops@example.com", List.of("111122223333")));
        return Template.fromStack(stack);
    }

    @BeforeAll
    static void synthesize() {
        template = synth(null);
    }

    @Test
    void the_events_table_is_keyed_by_account_and_version_streams_new_images_and_is_protected() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "Id", "KeyType", "HASH"),
                        Map.of("AttributeName", "Version", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE"),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "DeletionProtectionEnabled", true,
                "SSESpecification", Map.of("SSEEnabled", true)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_function_and_worker_that_reads_events_uses_the_writers_snapshot_interval() {
        // A reader with a smaller interval than the writer finds no snapshot among the newest N items and replays
        // the whole history; so every reader of the events table must be told the same interval.
        var readers = new TreeSet<String>();
        var intervals = new TreeSet<String>();
        template.findResources("AWS::Lambda::Function").forEach((name, resource) -> {
            var properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            var environment = (Map<String, Object>) properties.getOrDefault("Environment", Map.of());
            var variables = (Map<String, Object>) environment.getOrDefault("Variables", Map.of());
            if (variables.containsKey("TALLY_EVENTS_TABLE")) {
                readers.add(name);
                intervals.add(String.valueOf(variables.get("TALLY_SNAPSHOT_EVERY")));
            }
        });
        template.findResources("AWS::ECS::TaskDefinition").forEach((name, resource) -> {
            var properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            for (var container : (List<Map<String, Object>>) properties.get("ContainerDefinitions")) {
                var environment = (List<Map<String, Object>>) container.getOrDefault("Environment", List.of());
                var variables = new HashMap<String, Object>();
                environment.forEach(variable -> variables.put((String) variable.get("Name"), variable.get("Value")));
                if (variables.containsKey("TALLY_EVENTS_TABLE")) {
                    readers.add(name);
                    intervals.add(String.valueOf(variables.get("TALLY_SNAPSHOT_EVERY")));
                }
            }
        });
        assertThat(readers).as("the six accounts-API functions, GET /balances and the projection worker").hasSize(8);
        assertThat(intervals).containsExactly("10");
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_route_declares_its_scopes_reads_read_or_admin_and_writes_write() {
        var scopesByRoute = new HashMap<String, Object>();
        template.findResources("AWS::ApiGatewayV2::Route").forEach((name, resource) -> {
            var properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            scopesByRoute.put((String) properties.get("RouteKey"), properties.get("AuthorizationScopes"));
        });
        assertThat(scopesByRoute).hasSize(7)
                .containsEntry("POST /accounts", List.of("ledger:write"))
                .containsEntry("GET /accounts", List.of("ledger:read", "ledger:admin"))
                .containsEntry("GET /accounts/{id}", List.of("ledger:read", "ledger:admin"))
                .containsEntry("POST /accounts/{id}/credit", List.of("ledger:write"))
                .containsEntry("POST /accounts/{id}/withdraw", List.of("ledger:write"))
                .containsEntry("GET /accounts/{id}/events", List.of("ledger:read", "ledger:admin"))
                .containsEntry("GET /balances/{id}", List.of("ledger:read", "ledger:admin"));
    }

    @Test
    void the_named_subscriber_accounts_may_read_domain_events_and_nothing_more() {
        template.hasResourceProperties("AWS::Kinesis::ResourcePolicy", Map.of("ResourcePolicy", Map.of("Statement", List.of(
                software.amazon.awscdk.assertions.Match.objectLike(Map.of(
                        "Effect", "Allow",
                        "Action", TallyStack.SUBSCRIBER_ACTIONS,
                        "Principal", Map.of("AWS", software.amazon.awscdk.assertions.Match.anyValue())))))));
        assertThat(TallyStack.SUBSCRIBER_ACTIONS).noneMatch(action -> action.contains("*") || action.contains("Put"));
    }

    @Test
    void a_stream_shared_across_accounts_has_a_key_of_its_own_that_they_may_decrypt_with_through_kinesis_only() {
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("StreamEncryption", Map.of("EncryptionType", "KMS",
                "KeyId", software.amazon.awscdk.assertions.Match.anyValue())));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true, "KeyPolicy", Map.of("Statement",
                software.amazon.awscdk.assertions.Match.arrayWith(List.of(software.amazon.awscdk.assertions.Match.objectLike(Map.of(
                        "Action", "kms:Decrypt",
                        "Condition", Map.of("StringEquals", Map.of("kms:ViaService",
                                software.amazon.awscdk.assertions.Match.anyValue())))))))));
        // unshared, the AWS-managed key does
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        var unshared = Template.fromStack(new TallyStack(new App(), "Tally", StackProps.builder().build(),
                new TallyStack.Settings(home, "https://issuer.example.com/", "tally-api", null, TallyStack.Throttle.DEFAULT,
                        null, List.of())));
        unshared.hasResourceProperties("AWS::Kinesis::Stream", Map.of("StreamEncryption",
                Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
        unshared.resourceCountIs("AWS::KMS::Key", 0);
    }

    @Test
    void the_api_stage_throttles_every_route_as_the_settings_say() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 25, "ThrottlingBurstLimit", 50)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_alarm_notifies_the_alarm_topic_which_mails_the_given_address() {
        var topics = template.findResources("AWS::SNS::Topic");
        assertThat(topics).hasSize(1);
        var topic = topics.keySet().iterator().next();
        var alarms = template.findResources("AWS::CloudWatch::Alarm");
        assertThat(alarms).hasSizeGreaterThan(10).allSatisfy((name, alarm) -> {
            var properties = (Map<String, Object>) ((Map<String, Object>) alarm).get("Properties");
            assertThat((List<Object>) properties.get("AlarmActions")).as(name).containsExactly(Map.of("Ref", topic));
        });
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com",
                "TopicArn", Map.of("Ref", topic)));
        // the topic's policy (TLS only) must still let this account's alarms publish
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Allow", "Action", "sns:Publish",
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Condition", Match.objectLike(Map.of(
                                "StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")),
                                "ArnLike", Match.anyValue())))))))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readers_of_a_new_event_version_deploy_before_its_writers() {
        var resources = (Map<String, Map<String, Object>>) (Map<String, ?>) template.toJSON().get("Resources");
        var alias = resources.entrySet().stream()
                .filter(e -> e.getKey().startsWith("StreamTranslatorLive") && e.getValue().get("Type").equals("AWS::Lambda::Alias"))
                .findFirst().orElseThrow();
        var aliasDependsOn = (List<String>) alias.getValue().getOrDefault("DependsOn", List.of());
        assertThat(aliasDependsOn).as("the translator waits for both KCL workers")
                .anyMatch(d -> d.startsWith("WorkersBalancesProjectionService")).anyMatch(d -> d.startsWith("WorkersLakeWriterService"));
        var writers = resources.entrySet().stream().filter(e -> e.getValue().get("Type").equals("AWS::Lambda::Function"))
                .filter(e -> !e.getKey().startsWith("StreamTranslator") && !e.getKey().contains("CustomResource")
                        && !e.getKey().startsWith("Lake") && !e.getKey().contains("LogRetention")).toList();
        assertThat(writers).hasSize(AccountsApiRoute.values().length + 1).allSatisfy(function ->
                assertThat((List<String>) function.getValue().getOrDefault("DependsOn", List.of())).as(function.getKey())
                        .contains(alias.getKey()));
    }

    @Test
    void without_an_alarm_email_the_topic_has_no_subscription() {
        var app = new App();
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        var plain = Template.fromStack(new TallyStack(app, "Tally", StackProps.builder().build(),
                new TallyStack.Settings(home, "https://issuer.example.com/", "tally-api", null, TallyStack.Throttle.DEFAULT, null, List.of())));
        plain.resourceCountIs("AWS::SNS::Subscription", 0);
        plain.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 100, "ThrottlingBurstLimit", 200)));
    }

    @Test
    void the_events_table_has_a_sparse_owner_index_for_listing_accounts() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "GlobalSecondaryIndexes", List.of(Map.of(
                        "IndexName", "ByOwner",
                        "KeySchema", List.of(Map.of("AttributeName", "OwnerKey", "KeyType", "HASH"),
                                Map.of("AttributeName", "Id", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "INCLUDE",
                                "NonKeyAttributes", List.of("DisplayName", "OccurredAt")))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void listing_accounts_may_query_only_the_owner_index() {
        var policies = template.findResources("AWS::IAM::Policy");
        var listing = policies.entrySet().stream().filter(e -> e.getKey().startsWith("ListAccountsServiceRoleDefaultPolicy"))
                .map(e -> (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("Properties")).toList();
        assertThat(listing).hasSize(1);
        var statements = ((List<Map<String, Object>>) ((Map<String, Object>) listing.getFirst().get("PolicyDocument")).get("Statement"))
                .stream().filter(s -> !s.get("Action").toString().contains("xray:")).toList(); // tracing's own
        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(statement.get("Action")).isEqualTo("dynamodb:Query");
            assertThat(statement.get("Resource").toString()).contains("/index/ByOwner");
        });
    }

    @Test
    void idempotency_claims_expire_through_ttl() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "Key", "KeyType", "HASH")),
                "TimeToLiveSpecification", Map.of("AttributeName", "ExpiresAt", "Enabled", true)));
    }

    @Test
    void the_kcl_lease_table_has_the_owner_index_kcl_3_needs() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TableName", "tally-balances",
                "GlobalSecondaryIndexes", List.of(Map.of(
                        "IndexName", "LeaseOwnerToLeaseKeyIndex",
                        "KeySchema", List.of(Map.of("AttributeName", "leaseOwner", "KeyType", "HASH"),
                                Map.of("AttributeName", "leaseKey", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "KEYS_ONLY")))));
    }

    @Test
    void the_kinesis_stream_is_encrypted_and_on_demand_unless_shards_are_given() {
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "domain-events",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
                "StreamEncryption", Map.of("EncryptionType", "KMS")));
        synth(4).hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "ShardCount", 4, "StreamModeDetails", Map.of("StreamMode", "PROVISIONED")));
    }

    @Test
    void every_function_is_java_21_on_arm64_with_snapstart() {
        var functions = template.findResources("AWS::Lambda::Function");
        // one per accounts-API route, GET /balances/{id}, and the translator
        assertThat(functions).hasSize(AccountsApiRoute.values().length + 2);
        template.allResourcesProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "MemorySize", 1024));
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_route_invokes_a_published_version_through_its_alias_so_snapstart_applies() {
        // SnapStart snapshots published versions only: a route on $LATEST would start cold every time
        var aliases = template.findResources("AWS::Lambda::Alias");
        var versions = template.findResources("AWS::Lambda::Version").keySet();
        aliases.values().forEach(alias -> {
            var functionVersion = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) alias)
                    .get("Properties")).get("FunctionVersion");
            assertThat(((List<String>) functionVersion.get("Fn::GetAtt")).getFirst()).isIn(versions);
        });
        var integrations = template.findResources("AWS::ApiGatewayV2::Integration");
        assertThat(integrations).hasSize(AccountsApiRoute.values().length + 1);
        integrations.values().forEach(integration -> {
            var uri = ((Map<String, Object>) ((Map<String, Object>) integration).get("Properties")).get("IntegrationUri");
            assertThat(uri).isInstanceOf(Map.class);
            assertThat((String) ((Map<String, Object>) uri).get("Ref")).isIn(aliases.keySet());
        });
    }

    @Test
    void each_route_is_behind_the_jwt_authorizer() {
        var routes = template.findResources("AWS::ApiGatewayV2::Route");
        var keys = new TreeSet<String>();
        routes.values().forEach(route -> {
            @SuppressWarnings("unchecked")
            var properties = (Map<String, Object>) ((Map<String, Object>) route).get("Properties");
            keys.add((String) properties.get("RouteKey"));
            assertThat(properties.get("AuthorizationType")).isEqualTo("JWT");
        });
        var expected = new ArrayList<>(Arrays.stream(AccountsApiRoute.values()).map(AccountsApiRoute::routeKey).toList());
        expected.add("GET /balances/{id}");
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
        template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
                "AuthorizerType", "JWT",
                "JwtConfiguration", Map.of("Issuer", "https://issuer.example.com/", "Audience", List.of("tally-api"))));
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "$default",
                "AccessLogSettings", Match.objectLike(Map.of("DestinationArn", Match.anyValue()))));
    }

    @Test
    void the_translator_mapping_takes_only_inserts_and_moves_poison_aside() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "StartingPosition", "TRIM_HORIZON",
                "BatchSize", TranslatorMapping.BATCH_SIZE,
                "MaximumBatchingWindowInSeconds", (int) TranslatorMapping.MAXIMUM_BATCHING_WINDOW.toSeconds(),
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", TranslatorMapping.MAXIMUM_RETRY_ATTEMPTS,
                "MaximumRecordAgeInSeconds", 86_400,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", "{\"eventName\":[\"INSERT\"]}"))),
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue()))));
    }

    @Test
    void alarms_watch_errors_throttles_iterator_age_dead_letters_and_consumer_lag() {
        var alarms = template.findResources("AWS::CloudWatch::Alarm");
        var metrics = new ArrayList<String>();
        alarms.values().forEach(alarm -> {
            @SuppressWarnings("unchecked")
            var properties = (Map<String, Object>) ((Map<String, Object>) alarm).get("Properties");
            metrics.add((String) properties.get("MetricName"));
        });
        assertThat(metrics).contains("Errors", "Throttles", "IteratorAge", "ApproximateNumberOfMessagesVisible",
                "GetRecords.IteratorAgeMilliseconds", "DeliveryToS3.Success", "DeliveryToS3.DataFreshness");
        assertThat(metrics.stream().filter("Errors"::equals)).hasSize(AccountsApiRoute.values().length + 2);
    }

    /** Every policy statement, as (actions, resources) with the resources as written in the template. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements() {
        var result = new ArrayList<Map<String, Object>>();
        var policies = new ArrayList<>(template.findResources("AWS::IAM::Policy").values());
        policies.addAll(template.findResources("AWS::IAM::ManagedPolicy").values());
        for (var policy : policies) {
            var document = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) policy).get("Properties"))
                    .get("PolicyDocument");
            for (var statement : (List<Map<String, Object>>) document.get("Statement")) {
                var copy = new HashMap<>(statement);
                copy.put("Action", asList(statement.get("Action")));
                copy.put("Resource", asList(statement.get("Resource")));
                result.add(copy);
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        return value instanceof List<?> list ? (List<Object>) list : List.of(value);
    }

    @Test
    void no_statement_allows_every_action_or_every_resource_where_a_narrower_one_exists() {
        assertThat(statements()).isNotEmpty().allSatisfy(statement -> {
            var actions = (List<Object>) statement.get("Action");
            assertThat(actions).noneMatch(a -> a.equals("*") || a.toString().endsWith(":*"));
            if (((List<Object>) statement.get("Resource")).contains("*")) {
                assertThat(actions).as("actions on resource *").allMatch(RESOURCELESS_ACTIONS::contains);
            }
        });
    }

    /** How many statements allow exactly {@code actions} on exactly the resource whose logical id starts with {@code prefix}. */
    @SuppressWarnings("unchecked")
    private static long statementsAllowing(List<String> actions, String prefix) {
        return statements().stream().filter(s -> s.get("Action").equals(actions)).filter(s -> {
            var resources = (List<Object>) s.get("Resource");
            return resources.size() == 1 && resources.getFirst() instanceof Map<?, ?> reference
                    && reference.get("Fn::GetAtt") instanceof List<?> getAtt
                    && getAtt.getFirst().toString().startsWith(prefix);
        }).count();
    }

    @Test
    void each_function_gets_exactly_the_actions_it_calls_on_the_resources_it_calls_them_on() {
        // GET /accounts/{id}, GET /accounts/{id}/events, GET /balances/{id} and the projection worker (repairing
        // gaps) only read the events table
        assertThat(statementsAllowing(List.of("dynamodb:Query"), "Events")).isEqualTo(4);
        // the three commands read and append events ...
        assertThat(statementsAllowing(List.of("dynamodb:Query", "dynamodb:PutItem"), "Events")).isEqualTo(3);
        // ... and claim, read and complete idempotency keys
        assertThat(statementsAllowing(List.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"), "Idempotency"))
                .isEqualTo(3);
        // the translator only publishes
        assertThat(statementsAllowing(List.of("kinesis:PutRecords"), "DomainEvents")).isEqualTo(1);
        // the two KCL workers only read the stream (polling, no enhanced fan-out)
        assertThat(statementsAllowing(List.of("kinesis:DescribeStreamSummary", "kinesis:ListShards",
                "kinesis:GetShardIterator", "kinesis:GetRecords"), "DomainEvents")).isEqualTo(2);
        // the lake writer only puts batches to its delivery stream
        assertThat(statementsAllowing(List.of("firehose:PutRecordBatch"), "LakeDelivery")).isEqualTo(1);
        // the projection worker keeps the catalog's status
        assertThat(statementsAllowing(List.of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                "dynamodb:UpdateItem"), "ProjectionCatalog")).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void each_kcl_worker_may_use_only_its_own_application_tables() {
        var kclActions = List.<Object>of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:Query");
        var kcl = statements().stream().filter(s -> s.get("Action").equals(kclActions)).toList();
        assertThat(kcl).hasSize(2);
        for (var application : List.of("BalancesLeases", "LakeWriterLeases")) {
            var own = kcl.stream().filter(s -> s.get("Resource").toString().contains(application)).findFirst().orElseThrow();
            var resources = (List<Object>) own.get("Resource");
            var prefix = application.replace("Leases", "");
            // lease, worker-metrics and coordinator-state tables, and their indexes
            assertThat(resources).hasSize(6).allMatch(r -> r.toString().contains(prefix));
        }
    }

    @Test
    void each_kcl_worker_parks_only_in_its_own_retained_dead_letter_table_which_alarms_on_any_write() {
        assertThat(statementsAllowing(List.of("dynamodb:DescribeTable", "dynamodb:PutItem"), "BalancesDeadLetters")).isEqualTo(1);
        assertThat(statementsAllowing(List.of("dynamodb:DescribeTable", "dynamodb:PutItem"), "LakeWriterDeadLetters")).isEqualTo(1);
        for (var table : List.of("tally-balances-dead-letters", "tally-lake-writer-dead-letters")) {
            template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain", "Properties", Match.objectLike(Map.of(
                    "TableName", table,
                    "KeySchema", List.of(Map.of("AttributeName", "Subscription", "KeyType", "HASH"),
                            Map.of("AttributeName", "Position", "KeyType", "RANGE"))))));
        }
        var parkedAlarms = template.findResources("AWS::CloudWatch::Alarm", Map.of("Properties", Match.objectLike(Map.of(
                "MetricName", "ConsumedWriteCapacityUnits", "Threshold", 0, "Statistic", "Sum"))));
        assertThat(parkedAlarms.values().stream().map(Object::toString))
                .hasSize(2).anyMatch(a -> a.contains("BalancesDeadLetters")).anyMatch(a -> a.contains("LakeWriterDeadLetters"));
    }

    @Test
    void the_balances_reader_may_only_get_items_from_the_catalog_and_the_balances_tables() {
        var statement = statements().stream()
                .filter(s -> s.get("Action").equals(List.of("dynamodb:GetItem")))
                .findFirst().orElseThrow();
        var resources = statement.get("Resource").toString();
        assertThat((List<?>) statement.get("Resource")).hasSize(3);
        assertThat(resources).contains("ProjectionCatalog").contains(":table/balances]").contains(":table/balances-*]");
    }

    @Test
    void the_whole_app_uses_no_action_beyond_this_inventory() {
        var actions = new TreeSet<String>();
        statements().forEach(s -> ((List<Object>) s.get("Action")).forEach(a -> actions.add(a.toString())));
        assertThat(actions).containsExactlyInAnyOrder(
                // events, idempotency, catalog, balances and KCL tables (no CreateTable: the app creates them)
                "dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:Scan", "dynamodb:DescribeTable",
                "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator",
                "kinesis:GetRecords",
                // the stream's own key, shared with subscriber accounts: the translator encrypts, the workers decrypt
                "kms:GenerateDataKey", "kms:Decrypt",
                // the stream read the event-source mapping needs, granted by CDK
                "dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                // the on-failure destination
                "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                // Fargate pulling the worker image and writing its logs, granted by CDK
                "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer", "logs:CreateLogStream", "logs:PutLogEvents",
                // the lake: Firehose, its S3 writes and Glue schema, the report runner's Athena queries
                "firehose:PutRecordBatch", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads",
                "s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "glue:GetTable", "glue:GetTableVersion",
                "glue:GetTableVersions", "glue:GetDatabase", "glue:GetPartitions",
                "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                "athena:StopQueryExecution",
                // the lake's compaction job deletes the raw objects it merged; its schedule starts the task (granted by CDK)
                "s3:DeleteObject", "ecs:RunTask", "ecs:TagResource", "iam:PassRole",
                // X-Ray active tracing of every function, granted by CDK; KCL's own metrics, by namespace
                "xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData");
    }

    @Test
    void every_function_is_traced_by_x_ray_and_logs_json() {
        var functions = template.findResources("AWS::Lambda::Function");
        assertThat(functions).isNotEmpty();
        functions.forEach((name, resource) -> {
            var properties = (Map<?, ?>) resource.get("Properties");
            assertThat(properties.get("TracingConfig")).as(name).isEqualTo(Map.of("Mode", "Active"));
            @SuppressWarnings("unchecked")
            var logging = (Map<String, Object>) properties.get("LoggingConfig");
            assertThat(logging).as(name).containsEntry("LogFormat", "JSON").containsEntry("ApplicationLogLevel", "INFO")
                    .containsKey("LogGroup");
        });
    }

    @Test
    void every_log_group_keeps_its_logs_for_a_set_time() {
        var groups = template.findResources("AWS::Logs::LogGroup");
        assertThat(groups).hasSizeGreaterThanOrEqualTo(10);
        groups.forEach((name, resource) -> assertThat(((Map<?, ?>) resource.get("Properties")).get("RetentionInDays"))
                .as(name).isNotNull());
    }

    @Test
    @SuppressWarnings("unchecked")
    void kcl_workers_publish_their_metrics_in_their_own_namespace_only() {
        var metricStatements = statements().stream()
                .filter(s -> ((List<Object>) s.get("Action")).contains("cloudwatch:PutMetricData")).toList();
        assertThat(metricStatements).extracting(s -> s.get("Condition").toString()).containsExactlyInAnyOrder(
                "{StringEquals={cloudwatch:namespace=KCL/tally-balances}}",
                "{StringEquals={cloudwatch:namespace=KCL/tally-lake-writer}}");
        template.findResources("AWS::ECS::TaskDefinition").forEach((name, resource) -> {
            var container = ((List<Map<String, Object>>) ((Map<?, ?>) resource.get("Properties")).get("ContainerDefinitions")).getFirst();
            if (container.get("Command").toString().contains(LakeCompactionSchedule.JAR)) {
                return; // not a KCL worker
            }
            assertThat(container.get("Environment").toString()).as(name)
                    .contains("{Name=TALLY_KCL_METRICS_LEVEL, Value=SUMMARY}");
        });
    }

    @Test
    void the_dashboard_shows_every_metric_tally_writes() {
        var dashboards = template.findResources("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        var body = dashboards.values().iterator().next().get("Properties").toString();
        for (var metric : dev.tally.observability.Metric.values()) {
            assertThat(body).as(metric.metricName()).contains("\"" + metric.metricName() + "\"");
        }
        assertThat(body).contains("\"Tally\"", "\"Service\"", "Errors", "Throttles");
    }

    @Test
    void the_projection_lag_has_an_alarm() {
        var lag = template.findResources("AWS::CloudWatch::Alarm").values().stream()
                .map(alarm -> alarm.get("Properties").toString()).filter(p -> p.contains("SubscriptionLag")).toList();
        assertThat(lag).singleElement().asString().contains("Namespace=Tally", "MetricName=SubscriptionLag", "Stat=p99",
                "Dimensions=[{Name=Service, Value=tally-balances}]", "Threshold=60000", "AlarmActions");
    }
}
