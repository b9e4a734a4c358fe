package dev.tally.cdk;

import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.PositionTable;
import dev.tally.subscriptions.SubscriberMapping;
import dev.tally.subscriptions.SubscriberWorker;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamConsumer;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisConsumerEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a subscriber team adds to its own stack to run a subscriber of Tally's {@code domain-events}, given the stream's
 * ARN, in one of two ways ({@link Runner}):
 * <ul>
 *   <li>{@link Runner.Lambda}: a function ({@code KinesisSubscriptionHandler}) on a Kinesis event-source mapping with
 *   the kit's {@link SubscriberMapping} settings, an SQS queue for its on-failure destination, and with
 *   {@code enhancedFanOut} a dedicated stream consumer (its own 2 MB/s per shard, pushed);</li>
 *   <li>{@link Runner.Worker}: a long-lived KCL worker ({@code SubscriberWorker}) as a Fargate service in the team's
 *   cluster, with the three tables KCL 3 needs, created up front.</li>
 * </ul>
 * Either way: the subscription's position and dead-letter tables, alarms on lag and on dead letters, and a role of its
 * own granted only what the kit calls.
 *
 * <p>Across accounts, Tally's stack must name the subscriber's account ({@code ./tally synth --subscriber-accounts});
 * its stream then has a key of its own, given here as {@code streamKeyArn}. Enhanced fan-out across accounts also
 * needs a policy on the consumer, which Tally's stack does not make.
 */
public final class TallySubscriber extends Construct {

    /** How the subscriber runs. */
    public sealed interface Runner {
        /**
         * @param jar            the function's deployment jar
         * @param handler        the class extending {@code KinesisSubscriptionHandler}
         * @param enhancedFanOut read through a dedicated consumer
         */
        record Lambda(Path jar, String handler, boolean enhancedFanOut) implements Runner {
        }

        /**
         * @param jar     an executable jar whose main runs {@code SubscriberWorker}
         * @param cluster the team's ECS cluster; the tasks run in its private subnets
         */
        record Worker(Path jar, ICluster cluster) implements Runner {
        }
    }

    /**
     * @param subscription the subscription's name: its tables are {@code <name>-positions} and {@code <name>-dead-letters}
     *                     (and, for a worker, its KCL lease table {@code <name>})
     * @param streamArn    Tally's {@code domain-events} stream
     * @param environment  the subscriber's own settings; the subscription's name is added as
     *                     {@link SubscriberMapping#SUBSCRIPTION} (and, for a worker, the stream as
     *                     {@link SubscriberWorker#STREAM})
     * @param streamKeyArn the KMS key of Tally's stream when it has one of its own (it does once it is shared with other
     *                     accounts, and then every reader needs it, in Tally's account too), or null when the stream
     *                     uses the AWS-managed key, which needs no grant
     */
    public record Props(String subscription, String streamArn, Runner runner, Map<String, String> environment,
                        String streamKeyArn) {
        public Props {
            Objects.requireNonNull(subscription, "subscription");
            Objects.requireNonNull(streamArn, "streamArn");
            Objects.requireNonNull(runner, "runner");
            environment = Map.copyOf(environment);
        }
    }

    /** A lag over this for 5 minutes alarms: the subscriber is a minute behind the stream. */
    static final int ITERATOR_AGE_ALARM_MS = 60_000;

    private final Table positions;
    private final Table deadLetters;
    private final IGrantable grantee;
    private final List<Alarm> alarms = new ArrayList<>();

    public TallySubscriber(Construct scope, String id, Props props) {
        super(scope, id);
        var stream = Stream.fromStreamArn(this, "DomainEvents", props.streamArn());
        positions = Table.Builder.create(this, "Positions")
                .tableName(PositionTable.nameFor(props.subscription()))
                .partitionKey(Attribute.builder().name(PositionTable.ACCOUNT_ID).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN).build();
        deadLetters = Table.Builder.create(this, "DeadLetters")
                .tableName(DeadLetterTable.nameFor(props.subscription()))
                .partitionKey(Attribute.builder().name(DeadLetterTable.SUBSCRIPTION).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(DeadLetterTable.POSITION).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN).build();

        // the kit reads and advances positions, and parks dead letters; nothing else
        var statements = new ArrayList<PolicyStatement>();
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
                .resources(List.of(positions.getTableArn())).build());
        statements.add(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:PutItem"))
                .resources(List.of(deadLetters.getTableArn())).build());
        if (props.streamKeyArn() != null) {
            statements.add(PolicyStatement.Builder.create()
                    .actions(List.of("kms:Decrypt"))
                    .resources(List.of(props.streamKeyArn())).build());
        }
        var environment = new LinkedHashMap<>(props.environment());
        environment.put(SubscriberMapping.SUBSCRIPTION, props.subscription());

        grantee = switch (props.runner()) {
            case Runner.Lambda lambda -> function(props, lambda, stream, environment, statements);
            case Runner.Worker worker -> worker(props, worker, stream, environment, statements);
        };
        alarms.add(Alarms.above(this, "Parked",
                "The " + props.subscription() + " subscription parked records (table "
                        + DeadLetterTable.nameFor(props.subscription()) + ")",
                deadLetters.metricConsumedWriteCapacityUnits(MetricOptions.builder().statistic("Sum")
                        .period(Duration.minutes(1)).build()),
                0, 1));
    }

    private IGrantable function(Props props, Runner.Lambda lambda, IStream stream, Map<String, String> environment,
                                List<PolicyStatement> statements) {
        // A role of its own: the default one would carry AWSLambdaBasicExecutionRole, whose logs actions are on "*"
        var logs = LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var role = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("The " + props.subscription() + " subscriber").build();
        logs.grantWrite(role);
        statements.forEach(role::addToPolicy);
        var function = Operations.observed(Function.Builder.create(this, "Function"))
                .role(role)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(lambda.jar().toString()))
                .handler(lambda.handler())
                .memorySize(1024)
                .timeout(Duration.seconds(60))
                .environment(environment)
                .logGroup(logs)
                .build();
        var onFailure = Queue.Builder.create(this, "OnFailure")
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).retentionPeriod(Duration.days(14)).build();
        var mapping = KinesisEventSourceProps.builder()
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(SubscriberMapping.BATCH_SIZE)
                .maxBatchingWindow(Duration.millis(SubscriberMapping.MAXIMUM_BATCHING_WINDOW.toMillis()))
                .reportBatchItemFailures(SubscriberMapping.REPORT_BATCH_ITEM_FAILURES)
                .bisectBatchOnError(SubscriberMapping.BISECT_BATCH_ON_FUNCTION_ERROR)
                .retryAttempts(SubscriberMapping.MAXIMUM_RETRY_ATTEMPTS)
                .maxRecordAge(Duration.seconds(SubscriberMapping.MAXIMUM_RECORD_AGE.toSeconds()))
                .onFailure(new SqsDlq(onFailure))
                .build();
        if (lambda.enhancedFanOut()) {
            var consumer = StreamConsumer.Builder.create(this, "Consumer").stream(stream)
                    .streamConsumerName(props.subscription()).build();
            function.addEventSource(new KinesisConsumerEventSource(consumer, mapping));
        } else {
            function.addEventSource(new KinesisEventSource(stream, mapping));
        }
        alarms.add(Alarms.above(this, "IteratorAge",
                "The " + props.subscription() + " subscriber is more than a minute behind domain-events",
                function.metric("IteratorAge", MetricOptions.builder().statistic("Maximum")
                        .period(Duration.minutes(1)).build()),
                ITERATOR_AGE_ALARM_MS, 5));
        alarms.add(Alarms.above(this, "HeldTooLong",
                "Batches of " + props.subscription() + " were held longer than "
                        + SubscriberMapping.MAXIMUM_RECORD_AGE + " and set aside: see the on-failure queue",
                onFailure.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(1)).build()),
                0, 1));
        return function;
    }

    private IGrantable worker(Props props, Runner.Worker worker, IStream stream, Map<String, String> environment,
                              List<PolicyStatement> statements) {
        var all = new ArrayList<PolicyStatement>(Workers.kclStatements(stream,
                Workers.kclTables(this, "Kcl", props.subscription()), props.subscription()));
        all.addAll(statements);
        environment.put(SubscriberWorker.STREAM, props.streamArn());
        var image = ContainerImage.fromAsset(prepareImage(worker.jar(), props.subscription()).toString(),
                AssetImageProps.builder().platform(Platform.LINUX_ARM64).build());
        var service = Workers.service(this, "Worker", worker.cluster(), image, "/app/" + worker.jar().getFileName(),
                environment, all);
        // the lag watched is the stream's (all its consumers'); in another account than the stream's, this metric is
        // not there to see: the worker's own KCL metrics (namespace KCL/<subscription>) have its MillisBehindLatest
        alarms.add(Alarms.above(this, "IteratorAge",
                "Consumers of domain-events (the " + props.subscription() + " worker among them) are "
                        + "more than a minute behind",
                stream.metricGetRecordsIteratorAgeMilliseconds(MetricOptions.builder().statistic("Maximum")
                        .period(Duration.minutes(1)).build()),
                ITERATOR_AGE_ALARM_MS, 5));
        return service.getTaskDefinition().getTaskRole();
    }

    /** The image's build context, beside the jar: a Dockerfile running it, and the jar. */
    private static Path prepareImage(Path jar, String subscription) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the worker jar first");
        }
        var dir = jar.toAbsolutePath().getParent().resolve(subscription + "-image");
        try {
            Files.createDirectories(dir);
            Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("Dockerfile"), """
                    # A subscriber of Tally's domain-events, run the KCL way; made by the TallySubscriber construct
                    FROM public.ecr.aws/amazoncorretto/amazoncorretto:21-al2023-headless
                    WORKDIR /app
                    COPY %s /app/
                    USER 1000:1000
                    ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", "-jar"]
                    """.formatted(jar.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the worker image in " + dir, e);
        }
        return dir;
    }

    /** The function's role or the worker's task role, to grant it what its handler needs (its own tables). */
    public IGrantable grantee() {
        return grantee;
    }

    public Table positions() {
        return positions;
    }

    public Table deadLetters() {
        return deadLetters;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }
}
