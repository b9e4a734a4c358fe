package dev.tally.cdk;

import dev.tally.subscriptions.KclLeaseTable;
import dev.tally.subscriptions.KclWorker;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The KCL workers as ECS Fargate services: a long-running consumer that holds leases and checkpoints does not fit
 * Lambda's event-source mapping (which would replace KCL altogether) and must survive restarts with its state in
 * DynamoDB, which is what KCL is for. Both services run one image (Corretto 21 on arm64) in private subnets,
 * two tasks each, so a dead task's leases move to the other after KCL's failover time; a deployment that does
 * not stabilise rolls back. Each task role gets exactly the calls its worker makes (see {@link #kclStatements}).
 */
final class Workers extends Construct {

    /** Two tasks per worker: one can die or be replaced while the other holds every lease. */
    static final int TASKS_PER_SERVICE = 2;
    /** 0.5 vCPU and 1 GiB: a KCL worker at Tally's volumes idles; the heap is 75 % of it. */
    static final int CPU = 512;
    static final int MEMORY_MIB = 1024;
    static final String IMAGE_DIR = "infra/cdk/target/worker-image";

    private final Cluster cluster;
    private final ContainerImage image;

    Workers(Construct scope, String id, Path artifacts) {
        super(scope, id);
        var vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("workers").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(24).build()))
                .build();
        cluster = Cluster.Builder.create(this, "Cluster").vpc(vpc).containerInsightsV2(ContainerInsights.ENABLED).build();
        image = ContainerImage.fromAsset(prepareImage(artifacts).toString(),
                AssetImageProps.builder().platform(Platform.LINUX_ARM64).build());
    }

    ICluster cluster() {
        return cluster;
    }

    ContainerImage image() {
        return image;
    }

    /**
     * A service running {@code jar} from the image with {@code environment}; its task role gets {@code statements}.
     */
    FargateService service(String name, String jar, Map<String, String> environment, List<PolicyStatement> statements) {
        return service(this, name, cluster, image, "/app/" + jar, environment, statements);
    }

    /**
     * A Fargate service of {@link #TASKS_PER_SERVICE} tasks in {@code cluster}'s private subnets running the jar at
     * {@code jarPath} in {@code image}, its task role granted {@code statements} only.
     */
    static FargateService service(Construct scope, String name, ICluster cluster, ContainerImage image, String jarPath,
                                  Map<String, String> environment, List<PolicyStatement> statements) {
        var role = Role.Builder.create(scope, name + "TaskRole").assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("The " + name + " KCL worker").build();
        statements.forEach(role::addToPolicy);
        var task = FargateTaskDefinition.Builder.create(scope, name + "Task")
                .cpu(CPU).memoryLimitMiB(MEMORY_MIB)
                .runtimePlatform(RuntimePlatform.builder().cpuArchitecture(CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX).build())
                .taskRole(role)
                .build();
        var logs = LogGroup.Builder.create(scope, name + "Logs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        task.addContainer("worker", ContainerDefinitionOptions.builder()
                .image(image)
                .command(List.of(jarPath))
                // sorted: a container's environment is a list, and an order that changed from one synth to the next
                // (Map.of's) would replace the task definition on every deploy
                .environment(withKclMetrics(environment))
                .readonlyRootFilesystem(true)
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix(name).build()))
                .build());
        return FargateService.Builder.create(scope, name + "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(TASKS_PER_SERVICE)
                .minHealthyPercent(50)
                .maxHealthyPercent(200)
                .assignPublicIp(false)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .build();
    }

    /** The container's environment, sorted, with KCL's own metrics on ({@link KclWorker#METRICS_LEVEL}). */
    private static Map<String, String> withKclMetrics(Map<String, String> environment) {
        var sorted = new java.util.TreeMap<>(environment);
        sorted.put(KclWorker.METRICS_LEVEL, Operations.KCL_METRICS_LEVEL);
        return sorted;
    }

    /**
     * A KCL 3 application's tables, created up front: the lease table needs its owner index from the start, and
     * creating them here spares the worker the permission to create tables. Returns their ARNs.
     */
    static List<String> kclTables(Construct scope, String id, String application) {
        var leases = Table.Builder.create(scope, id + "Leases")
                .tableName(application)
                .partitionKey(Attribute.builder().name(KclLeaseTable.LEASE_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        leases.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(KclLeaseTable.OWNER_INDEX)
                .partitionKey(Attribute.builder().name(KclLeaseTable.LEASE_OWNER).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(KclLeaseTable.LEASE_KEY).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.KEYS_ONLY).build());
        var metrics = Table.Builder.create(scope, id + "WorkerMetrics")
                .tableName(application + "-WorkerMetricStats")
                .partitionKey(Attribute.builder().name("wid").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var coordinator = Table.Builder.create(scope, id + "CoordinatorState")
                .tableName(application + "-CoordinatorState")
                .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        return List.of(leases.getTableArn(), metrics.getTableArn(), coordinator.getTableArn());
    }

    /**
     * What a KCL 3 worker calls, polling (no enhanced fan-out): reading the stream, its three tables (lease, worker
     * metrics, coordinator state), which the CDK app creates so the worker needs no CreateTable, and publishing KCL's
     * own metrics in the application's namespace only.
     */
    static List<PolicyStatement> kclStatements(IStream stream, List<String> kclTableArns, String application) {
        var tablesAndIndexes = new java.util.ArrayList<String>(kclTableArns);
        kclTableArns.forEach(arn -> tablesAndIndexes.add(arn + "/index/*"));
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator",
                                "kinesis:GetRecords"))
                        .resources(List.of(stream.getStreamArn())).build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:Query"))
                        .resources(tablesAndIndexes).build(),
                Operations.kclMetrics(application));
    }

    /** The image's build context: the Dockerfile, the two worker jars and the compaction job (built by ./tally synth). */
    private static Path prepareImage(Path artifacts) {
        var dir = artifacts.resolve(IMAGE_DIR);
        try {
            Files.createDirectories(dir);
            try (InputStream dockerfile = Workers.class.getResourceAsStream("/worker-image/Dockerfile")) {
                Files.copy(dockerfile, dir.resolve("Dockerfile"), StandardCopyOption.REPLACE_EXISTING);
            }
            for (var jar : List.of("projections/target/projection-worker.jar", "analytics/target/lake-writer.jar",
                    "analytics/target/lake-compaction.jar")) {
                var source = artifacts.resolve(jar);
                if (!Files.exists(source)) {
                    throw new IllegalStateException(source + " is missing: build the jars first (./tally synth does)");
                }
                Files.copy(source, dir.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the worker image in " + dir, e);
        }
        return dir;
    }
}
