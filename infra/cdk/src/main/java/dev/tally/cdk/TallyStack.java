package dev.tally.cdk;

import dev.tally.accountsapi.AccountsApiRoute;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeDelivery;
import dev.tally.contracts.PublishedStream;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import dev.tally.observability.Metric;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.KclLeaseTable;
import dev.tally.projections.BalancesTable;
import dev.tally.projections.GetBalanceHandler;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.translator.StreamTranslatorHandler;
import dev.tally.translator.TranslatorMapping;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.ResourcePolicy;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tally on AWS: the write side, the stream translator, the balances read API, the KCL workers (balances projection,
 * lake writer) on Fargate, the data lake (Firehose, S3, Glue, Athena), and the tables and stream they use.
 *
 * <p>Every function gets only the IAM actions it calls, on the resources it calls them on (see
 * {@code TallyStackTest}). Names shared with the handlers (environment variables, routes, mapping settings) come from
 * the modules' constants, so a rename cannot drift.
 */
public final class TallyStack extends Stack {

    /**
     * @param artifacts    the checkout root: Lambda jars are read from the modules' target folders
     * @param jwtIssuer    the JWT authorizer's issuer URL
     * @param jwtAudience  the audience the tokens must carry
     * @param kinesisShards a shard count for a provisioned stream, or null for on-demand
     * @param throttle     the API stage's default route throttling
     * @param alarmEmail   an address the alarms' topic mails, or null for none (subscribe other endpoints later)
     * @param subscriberAccounts AWS accounts whose subscribers may read domain-events (the stream's resource policy)
     */
    public record Settings(Path artifacts, String jwtIssuer, String jwtAudience, Integer kinesisShards,
                           Throttle throttle, String alarmEmail, List<String> subscriberAccounts) {
        public Settings {
            subscriberAccounts = List.copyOf(subscriberAccounts);
            for (var account : subscriberAccounts) {
                if (!account.matches("[0-9]{12}")) {
                    throw new IllegalArgumentException("a subscriber account is 12 digits, was \"" + account + "\"");
                }
            }
        }
    }

    /**
     * What a subscriber in another account may do on domain-events: read it through a Lambda event-source mapping or
     * a KCL worker (polling). Nothing else, and no wildcard.
     */
    static final List<String> SUBSCRIBER_ACTIONS = List.of("kinesis:DescribeStream", "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards");

    /**
     * API Gateway's stage throttling: a steady rate and a burst (token bucket), per stage across all callers. Beyond
     * it, callers get a 429 before any Lambda runs, which bounds what a runaway client can cost.
     */
    public record Throttle(double ratePerSecond, int burst) {
        /** Room for the measured write rate many times over, well below the account's default 10,000/s. */
        public static final Throttle DEFAULT = new Throttle(100, 200);

        public Throttle {
            if (ratePerSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("throttling needs a positive rate and burst, was " + ratePerSecond
                        + "/s and " + burst);
            }
        }
    }

    /**
     * Java on Lambda: 1 GB also buys the CPU share that keeps a cold start short; with SnapStart a restore takes
     * well under a second. 10 s covers a command's bounded retries (accounts-api/README.md).
     */
    static final int API_MEMORY_MB = 1024;
    static final Duration API_TIMEOUT = Duration.seconds(10);
    /** The translator handles at most 100 records and a few PutRecords calls per invocation. */
    static final int TRANSLATOR_MEMORY_MB = 1024;
    static final Duration TRANSLATOR_TIMEOUT = Duration.seconds(60);

    private final Table events;
    /** The event store as every function and worker that reads or writes it sees it: one snapshot interval for all. */
    private final EventStoreSettings eventStore;
    private final Stream domainEvents;
    /**
     * The key {@link #domainEvents} is encrypted with when it is shared with other accounts, or null: AWS-managed keys
     * cannot be shared, so a shared stream has a key of its own, whose policy lets the subscriber accounts decrypt
     * through Kinesis only; Tally's own writer and readers are granted its use.
     */
    private final Key domainEventsKey;
    private Table catalog;
    private List<String> balancesKclTables;
    private List<String> lakeWriterKclTables;
    private Table balancesDeadLetters;
    private Table lakeWriterDeadLetters;

    public TallyStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);

        events = Table.Builder.create(this, "Events")
                .partitionKey(Attribute.builder().name(EventTable.ID).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(EventTable.VERSION).type(AttributeType.NUMBER).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .stream(StreamViewType.NEW_IMAGE)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // GET /accounts: only AccountCreated items carry the owner key, so the index holds one entry per account
        events.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(EventTable.OWNER_INDEX)
                .partitionKey(Attribute.builder().name(EventTable.OWNER_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(EventTable.ID).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.INCLUDE).nonKeyAttributes(EventTable.OWNER_INDEX_ATTRIBUTES).build());
        var idempotency = Table.Builder.create(this, "Idempotency")
                .partitionKey(Attribute.builder().name(IdempotencyTable.KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute(IdempotencyTable.EXPIRES_AT)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        eventStore = new EventStoreSettings(events.getTableName(), idempotency.getTableName(), SnapshotPolicy.defaults());
        readModelTables();

        domainEventsKey = settings.subscriberAccounts().isEmpty() ? null : Key.Builder.create(this, "DomainEventsKey")
                .description("Encrypts domain-events, shared with subscriber accounts")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        domainEvents = Stream.Builder.create(this, "DomainEvents")
                .streamName(PublishedStream.DEFAULT_NAME)
                .streamMode(settings.kinesisShards() == null ? StreamMode.ON_DEMAND : StreamMode.PROVISIONED)
                .shardCount(settings.kinesisShards())
                .encryption(domainEventsKey == null ? StreamEncryption.MANAGED : StreamEncryption.KMS)
                .encryptionKey(domainEventsKey)
                .retentionPeriod(Duration.hours(24))
                .build();
        if (domainEventsKey != null) {
            domainEventsKey.addToResourcePolicy(PolicyStatement.Builder.create()
                    .principals(settings.subscriberAccounts().stream().<IPrincipal>map(AccountPrincipal::new).toList())
                    .actions(List.of("kms:Decrypt"))
                    .resources(List.of("*")) // in a key policy, "*" is this key
                    .conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                            "kinesis." + getRegion() + ".amazonaws.com")))
                    .build());
            CfnOutput.Builder.create(this, "DomainEventsKeyArn").value(domainEventsKey.getKeyArn())
                    .description("Subscribers in other accounts grant their function kms:Decrypt on this key").build();
        }
        if (!settings.subscriberAccounts().isEmpty()) {
            ResourcePolicy.Builder.create(this, "DomainEventsSubscribers").stream(domainEvents)
                    .policyDocument(PolicyDocument.Builder.create().statements(List.of(PolicyStatement.Builder.create()
                            .principals(settings.subscriberAccounts().stream()
                                    .<IPrincipal>map(AccountPrincipal::new).toList())
                            .actions(SUBSCRIBER_ACTIONS)
                            .resources(List.of(domainEvents.getStreamArn())).build())).build())
                    .build();
        }

        // Deployment order, for a change of event schema: every reader of a new version must be running before
        // anything writes it. So the KCL workers (readers of published events) update first, then the translator
        // (reader of stored items, writer of published events), then the API functions (writers of stored items).
        // A writer updated first would have its events dead-lettered by the old translator, and lost from the lake.
        var lake = new DataLake(this, "Lake", events);
        var workers = new Workers(this, "Workers", settings.artifacts());
        var projection = projectionWorker(workers);
        var lakeWriter = lakeWriter(workers, lake);
        new LakeCompactionSchedule(this, "LakeCompaction", workers, lake.bucket);
        var translator = translator(settings);
        translator.getNode().addDependency(projection, lakeWriter);

        var api = accountsApi(settings, idempotency, translator);
        balancesApi(settings, api, translator);
        operationsDashboard();
        notifyOnEveryAlarm(settings.alarmEmail());
    }

    /**
     * The operators' dashboard: the commands and their outcomes, the API's latency, the translator, each
     * subscription's lag and dead letters, the lake's deliveries, and every function's errors and throttles; and the
     * alarm on the balances projection's lag (its p99 over a minute above a minute, five minutes running).
     */
    private void operationsDashboard() {
        var accounts = AccountsApiRoute.SERVICE;
        var translator = StreamTranslatorHandler.SERVICE;
        var balances = ProjectionEnvironment.BALANCES_APPLICATION;
        var lakeWriter = AnalyticsEnvironment.LAKE_WRITER_APPLICATION;
        var subscriptions = List.of(balances, lakeWriter);
        Alarms.above(this, "BalancesProjectionLag",
                "The balances projection applies events more than a minute after they happened (p99)",
                Operations.metric(Metric.SUBSCRIPTION_LAG, balances, "p99"), 60_000, 5);
        var errors = new java.util.ArrayList<software.amazon.awscdk.services.cloudwatch.IMetric>();
        var throttles = new java.util.ArrayList<software.amazon.awscdk.services.cloudwatch.IMetric>();
        for (var construct : getNode().findAll()) {
            if (construct instanceof Function function) {
                errors.add(function.metricErrors(MetricOptions.builder().period(Duration.minutes(1))
                        .label(function.getNode().getId()).build()));
                throttles.add(function.metricThrottles(MetricOptions.builder().period(Duration.minutes(1))
                        .label(function.getNode().getId()).build()));
            }
        }
        Operations.dashboard(this, "Tally", List.of(
                new Operations.Row("Commands (accounts API)", List.of(
                        Operations.graph("Outcomes per minute", List.of(
                                Operations.metric(Metric.COMMANDS_APPLIED, accounts, "Sum"),
                                Operations.metric(Metric.COMMANDS_REFUSED, accounts, "Sum"),
                                Operations.metric(Metric.COMMANDS_CONFLICTED, accounts, "Sum"),
                                Operations.metric(Metric.IDEMPOTENT_REPLAYS, accounts, "Sum"))),
                        Operations.graph("Retries after a lost race", List.of(
                                Operations.metric(Metric.COMMAND_RETRIES, accounts, "Sum"))),
                        Operations.graph("Handler duration (ms)", List.of(
                                Operations.metric(Metric.REQUEST_DURATION, accounts, "p50"),
                                Operations.metric(Metric.REQUEST_DURATION, accounts, "p99"),
                                Operations.metric(Metric.REQUEST_DURATION, GetBalanceHandler.SERVICE, "p99"))))),
                new Operations.Row("Stream translator", List.of(
                        Operations.graph("Records", List.of(
                                Operations.metric(Metric.RECORDS_PUBLISHED, translator, "Sum"),
                                Operations.metric(Metric.RECORDS_POISONED, translator, "Sum"))),
                        Operations.graph("Batch age (ms)", List.of(
                                Operations.metric(Metric.BATCH_AGE, translator, "Maximum"))),
                        Operations.graph("Iterator age (ms)", List.of(
                                domainEvents.metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder()
                                        .statistic("Maximum").period(Duration.minutes(1))
                                        .label("domain-events GetRecords iterator age").build()))))),
                new Operations.Row("Subscriptions of domain-events", List.of(
                        Operations.graph("Lag from occurrence (ms, p99)", subscriptions.stream()
                                .map(s -> Operations.metric(Metric.SUBSCRIPTION_LAG, s, "p99")).toList()),
                        Operations.graph("Events handled, and duplicates skipped", subscriptions.stream()
                                .flatMap(s -> java.util.stream.Stream.of(Operations.metric(Metric.EVENTS_HANDLED, s, "Sum"),
                                        Operations.metric(Metric.EVENTS_DUPLICATE, s, "Sum"))).toList()),
                        Operations.graph("Dead letters and retries", subscriptions.stream()
                                .flatMap(s -> java.util.stream.Stream.of(Operations.metric(Metric.DEAD_LETTERS, s, "Sum"),
                                        Operations.metric(Metric.EVENTS_RETRIED, s, "Sum"))).toList()))),
                new Operations.Row("Lake and functions", List.of(
                        Operations.graph("Lake rows", List.of(
                                Operations.metric(Metric.LAKE_ROWS_DELIVERED, lakeWriter, "Sum"),
                                Operations.metric(Metric.FIREHOSE_FAILURES, lakeWriter, "Sum"))),
                        Operations.graph("Lambda errors", errors),
                        Operations.graph("Lambda throttles", throttles)))));
    }

    /**
     * One topic for every alarm, here and in the constructs below, found by walking the tree last so that an alarm
     * added later cannot be forgotten. Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed
     * key, and alarm notifications carry no account data.
     */
    private void notifyOnEveryAlarm(String email) {
        var topic = Topic.Builder.create(this, "Alarms").displayName("Tally alarms").enforceSsl(true).build();
        // enforceSsl gives the topic a resource policy, which replaces SNS's default one: without this statement the
        // account's own alarms could not publish to it.
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AlarmsOfThisAccountPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", getAccount()),
                        "ArnLike", Map.of("aws:SourceArn", Stack.of(this).formatArn(ArnComponents.builder()
                                .service("cloudwatch").resource("alarm").resourceName("*")
                                .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build()))))
                .build());
        if (email != null && !email.isBlank()) {
            topic.addSubscription(new EmailSubscription(email));
        }
        var action = new SnsAction(topic);
        for (var construct : getNode().findAll()) {
            if (construct instanceof Alarm alarm) {
                alarm.addAlarmAction(action);
            }
        }
    }

    /** The ARN of the stream's own key, when it is shared with other accounts: every reader needs kms:Decrypt on it. */
    public java.util.Optional<String> domainEventsKeyArn() {
        return java.util.Optional.ofNullable(domainEventsKey).map(Key::getKeyArn);
    }

    /** Use of the stream's own key, when it has one (see {@link #domainEventsKey}). */
    private java.util.Optional<PolicyStatement> streamKeyUse(String action) {
        return java.util.Optional.ofNullable(domainEventsKey).map(key -> PolicyStatement.Builder.create()
                .actions(List.of(action)).resources(List.of(key.getKeyArn())).build());
    }

    /** The balances projection: reads the stream, repairs gaps from the events table, writes the read model. */
    private FargateService projectionWorker(Workers workers) {
        var statements = new java.util.ArrayList<>(Workers.kclStatements(domainEvents, balancesKclTables,
                ProjectionEnvironment.BALANCES_APPLICATION));
        streamKeyUse("kms:Decrypt").ifPresent(statements::add);
        statements.add(parking(balancesDeadLetters));
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:Query"))
                .resources(List.of(events.getTableArn())).build());
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"))
                .resources(List.of(catalog.getTableArn())).build());
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem"))
                .resources(balancesTableArns()).build());
        var environment = new java.util.LinkedHashMap<>(eventStore.toEnvironment());
        environment.remove(EventStoreSettings.IDEMPOTENCY_TABLE); // the projection never touches it
        environment.put(PublishedStream.NAME, domainEvents.getStreamName());
        environment.put(ProjectionEnvironment.CATALOG_TABLE, catalog.getTableName());
        return workers.service("BalancesProjection", "projection-worker.jar", environment, statements);
    }

    /** The lake writer: reads the stream, puts rows to the lake's Firehose delivery stream. */
    private FargateService lakeWriter(Workers workers, DataLake lake) {
        var statements = new java.util.ArrayList<>(Workers.kclStatements(domainEvents, lakeWriterKclTables,
                AnalyticsEnvironment.LAKE_WRITER_APPLICATION));
        streamKeyUse("kms:Decrypt").ifPresent(statements::add);
        statements.add(parking(lakeWriterDeadLetters));
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("firehose:PutRecordBatch"))
                .resources(List.of(lake.deliveryStreamArn)).build());
        return workers.service("LakeWriter", "lake-writer.jar", Map.of(
                PublishedStream.NAME, domainEvents.getStreamName(),
                AnalyticsEnvironment.DELIVERY_STREAM, LakeDelivery.DELIVERY_STREAM), statements);
    }

    /** The active balances table: "balances", or a rebuilt "balances-<timestamp>". */
    private List<String> balancesTableArns() {
        return List.of(
                Stack.of(this).formatArn(ArnComponents.builder().service("dynamodb").resource("table")
                        .resourceName(BalancesTable.INITIAL_NAME).build()),
                Stack.of(this).formatArn(ArnComponents.builder().service("dynamodb").resource("table")
                        .resourceName(BalancesTable.INITIAL_NAME + "-*").build()));
    }

    private void readModelTables() {
        // Named as the projection expects them: the catalog points readers at "balances" until a rebuild
        // switches them to "balances-<timestamp>".
        catalog = Table.Builder.create(this, "ProjectionCatalog")
                .tableName(ProjectionCatalog.DEFAULT_NAME)
                .partitionKey(Attribute.builder().name(ProjectionCatalog.NAME).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build()).removalPolicy(RemovalPolicy.RETAIN).build();
        Table.Builder.create(this, "Balances")
                .tableName(BalancesTable.INITIAL_NAME)
                .partitionKey(Attribute.builder().name(BalancesTable.ACCOUNT_ID).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        balancesKclTables = Workers.kclTables(this, "Balances", ProjectionEnvironment.BALANCES_APPLICATION);
        lakeWriterKclTables = Workers.kclTables(this, "LakeWriter", AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
        balancesDeadLetters = deadLetterTable("Balances", ProjectionEnvironment.BALANCES_APPLICATION);
        lakeWriterDeadLetters = deadLetterTable("LakeWriter", AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
    }

    /**
     * A subscription's dead-letter table (the kit's {@link DeadLetterTable}), retained: what is parked there waits
     * for a redrive. Any write to it means a record was parked, so its consumed write capacity is the alarm.
     */
    private Table deadLetterTable(String id, String subscription) {
        var table = Table.Builder.create(this, id + "DeadLetters")
                .tableName(DeadLetterTable.nameFor(subscription))
                .partitionKey(Attribute.builder().name(DeadLetterTable.SUBSCRIPTION).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(DeadLetterTable.POSITION).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN).build();
        Alarms.above(this, id + "Parked",
                "The " + subscription + " subscription parked records: ./tally dead-letters --subscription "
                        + subscription + " (or read the table " + DeadLetterTable.nameFor(subscription) + ")",
                table.metricConsumedWriteCapacityUnits(MetricOptions.builder().statistic("Sum")
                        .period(Duration.minutes(1)).build()),
                0, 1);
        return table;
    }

    /** What a worker does with its dead-letter table: makes sure it is there, and parks records in it. */
    private static PolicyStatement parking(Table deadLetters) {
        return PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:DescribeTable", "dynamodb:PutItem"))
                .resources(List.of(deadLetters.getTableArn())).build();
    }

    private Function javaFunction(String id, Path jar, String handler, int memory, Duration timeout,
                                  Map<String, String> environment) {
        return Operations.observed(Function.Builder.create(this, id))
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(jar.toString()))
                .handler(handler)
                .memorySize(memory)
                .timeout(timeout)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(environment)
                .logGroup(LogGroup.Builder.create(this, id + "Logs").retention(RetentionDays.ONE_MONTH)
                        .removalPolicy(RemovalPolicy.DESTROY).build())
                .build();
    }

    /** @param translator deployed first: see the constructor */
    private HttpApi accountsApi(Settings settings, Table idempotency, Alias translator) {
        var jar = settings.artifacts().resolve("accounts-api/target/accounts-api-lambda.jar");
        var accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs").retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var authorizer = HttpJwtAuthorizer.Builder.create("Jwt", settings.jwtIssuer())
                .jwtAudience(List.of(settings.jwtAudience())).build();
        var api = HttpApi.Builder.create(this, "Api").defaultAuthorizer(authorizer).build();
        var stage = (CfnStage) api.getDefaultStage().getNode().getDefaultChild();
        stage.setDefaultRouteSettings(CfnStage.RouteSettingsProperty.builder()
                .throttlingRateLimit(settings.throttle().ratePerSecond())
                .throttlingBurstLimit(settings.throttle().burst())
                .build());
        stage.setAccessLogSettings(CfnStage.AccessLogSettingsProperty.builder()
                .destinationArn(accessLogs.getLogGroupArn())
                .format("{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
                        + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\","
                        + "\"status\":\"$context.status\",\"latency\":\"$context.responseLatency\","
                        + "\"integrationError\":\"$context.integrationErrorMessage\",\"sub\":\"$context.authorizer.claims.sub\"}")
                .build());
        var environment = new java.util.LinkedHashMap<>(eventStore.toEnvironment());
        environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        for (var route : AccountsApiRoute.values()) {
            var name = route.handlerClass().getSimpleName().replace("Handler", "");
            var function = javaFunction(name, jar, route.handlerClass().getName(), API_MEMORY_MB, API_TIMEOUT, environment);
            function.getNode().addDependency(translator);
            // Listing queries only the owners' index; every other route reads the account's history, and commands
            // also append and use the idempotency table.
            if (route == AccountsApiRoute.LIST_ACCOUNTS) {
                function.addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:Query"))
                        .resources(List.of(events.getTableArn() + "/index/" + EventTable.OWNER_INDEX)).build());
            } else {
                function.addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(route.method().equals("GET") ? List.of("dynamodb:Query")
                                : List.of("dynamodb:Query", "dynamodb:PutItem"))
                        .resources(List.of(events.getTableArn())).build());
            }
            if (!route.method().equals("GET")) {
                function.addToRolePolicy(PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"))
                        .resources(List.of(idempotency.getTableArn())).build());
            }
            var live = Alias.Builder.create(this, name + "Live").aliasName("live").version(function.getCurrentVersion()).build();
            api.addRoutes(AddRoutesOptions.builder()
                    .path(route.path())
                    .methods(List.of(HttpMethod.valueOf(route.method())))
                    .authorizationScopes(route.authorizationScopes())
                    .integration(new HttpLambdaIntegration(name + "Integration", live))
                    .build());
            alarmOnErrorsAndThrottles(name, function);
        }
        return api;
    }

    private Map<String, String> balancesApiEnvironment() {
        var environment = new java.util.LinkedHashMap<>(eventStore.toEnvironment());
        environment.remove(EventStoreSettings.IDEMPOTENCY_TABLE);
        environment.put(ProjectionEnvironment.CATALOG_TABLE, catalog.getTableName());
        return environment;
    }

    /** {@code GET /balances/{id}}: reads the projection's catalog and active table, and the write side's version. */
    private void balancesApi(Settings settings, HttpApi api, Alias translator) {
        var jar = settings.artifacts().resolve("projections/target/balances-api-lambda.jar");
        var function = javaFunction("GetBalance", jar, GetBalanceHandler.class.getName(), API_MEMORY_MB, API_TIMEOUT,
                balancesApiEnvironment());
        function.getNode().addDependency(translator);
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem"))
                .resources(java.util.stream.Stream.concat(java.util.stream.Stream.of(catalog.getTableArn()),
                        balancesTableArns().stream()).toList())
                .build());
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:Query"))
                .resources(List.of(events.getTableArn())).build());
        var live = Alias.Builder.create(this, "GetBalanceLive").aliasName("live").version(function.getCurrentVersion()).build();
        api.addRoutes(AddRoutesOptions.builder()
                .path(GetBalanceHandler.ROUTE_PATH)
                .methods(List.of(HttpMethod.valueOf(GetBalanceHandler.ROUTE_METHOD)))
                .authorizationScopes(GetBalanceHandler.ROUTE_SCOPES)
                .integration(new HttpLambdaIntegration("GetBalanceIntegration", live))
                .build());
        alarmOnErrorsAndThrottles("GetBalance", function);
    }

    /** @return the alias the event-source mapping invokes, which the writers of stored events depend on */
    private Alias translator(Settings settings) {
        var jar = settings.artifacts().resolve("stream-translator/target/stream-translator-lambda.jar");
        var function = javaFunction("StreamTranslator", jar, StreamTranslatorHandler.class.getName(),
                TRANSLATOR_MEMORY_MB, TRANSLATOR_TIMEOUT,
                Map.of(PublishedStream.NAME, domainEvents.getStreamName()));
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kinesis:PutRecords"))
                .resources(List.of(domainEvents.getStreamArn())).build());
        streamKeyUse("kms:GenerateDataKey").ifPresent(function::addToRolePolicy);
        var deadLetters = Queue.Builder.create(this, "TranslatorDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        var live = Alias.Builder.create(this, "StreamTranslatorLive").aliasName("live")
                .version(function.getCurrentVersion()).build();
        live.addEventSource(DynamoEventSource.Builder.create(events)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(TranslatorMapping.BATCH_SIZE)
                .maxBatchingWindow(Duration.millis(TranslatorMapping.MAXIMUM_BATCHING_WINDOW.toMillis()))
                .reportBatchItemFailures(TranslatorMapping.REPORT_BATCH_ITEM_FAILURES)
                .bisectBatchOnError(TranslatorMapping.BISECT_BATCH_ON_FUNCTION_ERROR)
                .retryAttempts(TranslatorMapping.MAXIMUM_RETRY_ATTEMPTS)
                .maxRecordAge(Duration.seconds(TranslatorMapping.MAXIMUM_RECORD_AGE.toSeconds()))
                .onFailure(new SqsDlq(deadLetters))
                // only new events: MODIFY and REMOVE records never cost an invocation
                .filters(List.of(FilterCriteria.filter(Map.of("eventName", FilterRule.isEqual("INSERT")))))
                .build());
        alarmOnErrorsAndThrottles("StreamTranslator", function);
        Alarms.above(this, "TranslatorIteratorAge",
                "The stream translator is more than 60 s behind the events table's stream",
                function.metric("IteratorAge", MetricOptions.builder().statistic("Maximum")
                        .period(Duration.minutes(1)).build()),
                60_000, 5);
        Alarms.above(this, "TranslatorDeadLettersNotEmpty",
                "Stream records were set aside: see the dead-letter queue",
                deadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(1)).build()),
                0, 1);
        Alarms.above(this, "DomainEventsConsumerLag",
                "Consumers of domain-events are more than 60 s behind",
                domainEvents.metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder().statistic("Maximum")
                        .period(Duration.minutes(1)).build()),
                60_000, 5);
        return live;
    }

    private void alarmOnErrorsAndThrottles(String name, Function function) {
        Alarms.above(this, name + "Errors",
                null,
                function.metricErrors(MetricOptions.builder().period(Duration.minutes(1)).build()),
                0, 1);
        Alarms.above(this, name + "Throttles",
                null,
                function.metricThrottles(MetricOptions.builder().period(Duration.minutes(1)).build()),
                0, 1);
    }
}
