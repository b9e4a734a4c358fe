package dev.tally.cdk;

import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.PositionTable;
import dev.tally.subscriptions.SubscriberMapping;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
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

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a subscriber team adds to its own stack to run a Lambda subscriber ({@code KinesisSubscriptionHandler}) on
 * Tally's {@code domain-events}, given the stream's ARN: the function, its event-source mapping (the kit's
 * {@link SubscriberMapping} settings), the subscription's position table and dead-letter table, an SQS queue for the
 * mapping's on-failure destination, alarms on iterator age and on dead letters, and only the grants those need.
 * With {@code enhancedFanOut} the mapping reads through a dedicated consumer (its own 2 MB/s per shard, pushed)
 * instead of sharing the stream's polling limits with every other subscriber.
 *
 * <p>Across accounts, Tally's stack must name the subscriber's account in its stream's resource policy
 * ({@code ./tally synth --subscriber-account ID}); enhanced fan-out across accounts also needs a policy on the
 * consumer, which Tally's stack does not make.
 */
public final class TallySubscriber extends Construct {

    /**
     * @param subscription   the subscription's name: its tables are {@code <name>-positions} and {@code <name>-dead-letters}
     * @param streamArn      Tally's {@code domain-events} stream
     * @param jar            the function's deployment jar
     * @param handler        the class extending {@code KinesisSubscriptionHandler}
     * @param environment    the function's own settings; the subscription's name is added as
     *                       {@link SubscriberMapping#SUBSCRIPTION}
     * @param enhancedFanOut read through a dedicated consumer
     * @param streamKeyArn   the KMS key Tally's stream is encrypted with when it is shared across accounts (a key of
     *                       its own), or null (same account: the AWS-managed key needs no grant)
     */
    public record Props(String subscription, String streamArn, Path jar, String handler, Map<String, String> environment,
                        boolean enhancedFanOut, String streamKeyArn) {
        public Props {
            Objects.requireNonNull(subscription, "subscription");
            Objects.requireNonNull(streamArn, "streamArn");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(handler, "handler");
            environment = Map.copyOf(environment);
        }
    }

    /** An iterator age over this for 5 minutes alarms: the subscriber is a minute behind the stream. */
    static final int ITERATOR_AGE_ALARM_MS = 60_000;

    private final Function function;
    private final Table positions;
    private final Table deadLetters;
    private final Queue onFailure;
    private final List<Alarm> alarms;

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
        onFailure = Queue.Builder.create(this, "OnFailure")
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).retentionPeriod(Duration.days(14)).build();

        var environment = new LinkedHashMap<>(props.environment());
        environment.put(SubscriberMapping.SUBSCRIPTION, props.subscription());
        // A role of its own: the default one would carry AWSLambdaBasicExecutionRole, whose logs actions are on "*"
        var logs = LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var role = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("The " + props.subscription() + " subscriber").build();
        logs.grantWrite(role);
        function = Function.Builder.create(this, "Function")
                .role(role)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(props.jar().toString()))
                .handler(props.handler())
                .memorySize(1024)
                .timeout(Duration.seconds(60))
                .environment(environment)
                .logGroup(logs)
                .build();
        // the kit reads and advances positions, and parks dead letters; nothing else
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
                .resources(List.of(positions.getTableArn())).build());
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:PutItem"))
                .resources(List.of(deadLetters.getTableArn())).build());
        if (props.streamKeyArn() != null) {
            function.addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of("kms:Decrypt"))
                    .resources(List.of(props.streamKeyArn())).build());
        }

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
        if (props.enhancedFanOut()) {
            var consumer = StreamConsumer.Builder.create(this, "Consumer").stream(stream)
                    .streamConsumerName(props.subscription()).build();
            function.addEventSource(new KinesisConsumerEventSource(consumer, mapping));
        } else {
            function.addEventSource(new KinesisEventSource(stream, mapping));
        }

        alarms = List.of(
                Alarm.Builder.create(this, "IteratorAge")
                        .alarmDescription("The " + props.subscription() + " subscriber is more than a minute behind domain-events")
                        .metric(function.metric("IteratorAge", MetricOptions.builder().statistic("Maximum")
                                .period(Duration.minutes(1)).build()))
                        .threshold(ITERATOR_AGE_ALARM_MS).evaluationPeriods(5)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(this, "Parked")
                        .alarmDescription("The " + props.subscription() + " subscription parked records (table "
                                + DeadLetterTable.nameFor(props.subscription()) + ")")
                        .metric(deadLetters.metricConsumedWriteCapacityUnits(MetricOptions.builder().statistic("Sum")
                                .period(Duration.minutes(1)).build()))
                        .threshold(0).evaluationPeriods(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING).build(),
                Alarm.Builder.create(this, "HeldTooLong")
                        .alarmDescription("Batches of " + props.subscription() + " were held longer than "
                                + SubscriberMapping.MAXIMUM_RECORD_AGE + " and set aside: see the on-failure queue")
                        .metric(onFailure.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                                .period(Duration.minutes(1)).build()))
                        .threshold(0).evaluationPeriods(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING).build());
    }

    /** The function, to grant it what its handler needs (its own tables). */
    public Function function() {
        return function;
    }

    public Table positions() {
        return positions;
    }

    public Table deadLetters() {
        return deadLetters;
    }

    public Queue onFailure() {
        return onFailure;
    }

    public List<Alarm> alarms() {
        return alarms;
    }
}
