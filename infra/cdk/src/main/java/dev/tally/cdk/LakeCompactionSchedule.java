package dev.tally.cdk;

import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeCompaction;
import dev.tally.analytics.LakeTable;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LaunchType;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.EcsTask;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The lake's daily compaction ({@link LakeCompaction}): an EventBridge rule starts one Fargate task a day that runs
 * {@code lake-compaction.jar} from the workers' image, the same Java code and DuckDB as {@code ./tally lake compact}.
 *
 * <p>Why a task running the job's Java code, not Athena {@code INSERT INTO}/CTAS driven by a Lambda or Step
 * Functions: the crash-safety argument rests on putting a day's compacted rows at one key in one PUT (readers see
 * the old object or the new, never both or neither) and then deleting exactly the raw objects that were merged.
 * Athena writes query results as many objects with names of its choosing, cannot replace a partition's objects or
 * delete the raw ones, and a CTAS cannot write into an existing table's location, so it would need a staging prefix,
 * copies and deletes orchestrated around it: more moving parts whose windows the reports would have to survive, and
 * SQL that is tested only in AWS. The job here is the one {@code LakeCompactionTest} exercises on real files.
 * Why Fargate, not Lambda: DuckDB's native libraries make a 85 MB jar, the first run after a deploy compacts every
 * day so far (no 15-minute limit), and the cluster and image exist already for the KCL workers.
 *
 * <p>Least privilege: the task role may list only the two prefixes, read raw and compacted objects, write only
 * compacted ones and delete only raw ones; it has no Glue, Athena or DynamoDB permission. The rule's role may run
 * only this task definition (and pass its roles), which CDK's {@code EcsTask} target grants.
 */
final class LakeCompactionSchedule extends Construct {

    /** 02:30 UTC: a day two whole days old (the default grace) is closed from midnight; half past two leaves room. */
    static final CronOptions WHEN = CronOptions.builder().minute("30").hour("2").build();
    /** 1 vCPU and 2 GiB: a day of Tally's events is megabytes; DuckDB spills to the scratch volume beyond that. */
    static final int CPU = 1024;
    static final int MEMORY_MIB = 2048;
    static final String JAR = "lake-compaction.jar";
    static final String SCRATCH = "/tmp";

    final FargateTaskDefinition task;

    LakeCompactionSchedule(Construct scope, String id, Workers workers, IBucket lake) {
        super(scope, id);
        var role = Role.Builder.create(this, "TaskRole").assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("The lake's compaction job: merges closed days under compacted/ and deletes their raw objects")
                .build();
        statements(lake).forEach(role::addToPolicy);
        task = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(CPU).memoryLimitMiB(MEMORY_MIB)
                .runtimePlatform(RuntimePlatform.builder().cpuArchitecture(CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX).build())
                .taskRole(role)
                // the root filesystem is read-only; downloads, the new day's file and DuckDB's native library go here
                .volumes(List.of(Volume.builder().name("scratch").build()))
                .build();
        var logs = LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var container = task.addContainer("job", ContainerDefinitionOptions.builder()
                .image(workers.image())
                .command(List.of("/app/" + JAR))
                .environment(new java.util.TreeMap<>(Map.of(
                        AnalyticsEnvironment.LAKE_BUCKET, lake.getBucketName(),
                        AnalyticsEnvironment.COMPACTION_GRACE_DAYS, String.valueOf(LakeCompaction.DEFAULT_GRACE_DAYS))))
                .readonlyRootFilesystem(true)
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix("lake-compaction").build()))
                .build());
        container.addMountPoints(MountPoint.builder().containerPath(SCRATCH).sourceVolume("scratch").readOnly(false).build());

        Rule.Builder.create(this, "Daily")
                .description("Compacts the lake's closed days once a day (LakeCompaction)")
                .schedule(Schedule.cron(WHEN))
                .targets(List.of(EcsTask.Builder.create()
                        .cluster(workers.cluster())
                        .taskDefinition(task)
                        .taskCount(1)
                        .launchType(LaunchType.FARGATE)
                        .subnetSelection(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                        .assignPublicIp(false)
                        // a start that fails is tried again; a job that fails is picked up by tomorrow's run
                        .retryAttempts(2)
                        .maxEventAge(Duration.hours(2))
                        .build()))
                .build();
    }

    /** Exactly the S3 calls {@link dev.tally.analytics.LakeBucket} makes for the job. */
    static List<PolicyStatement> statements(IBucket lake) {
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("s3:ListBucket"))
                        .resources(List.of(lake.getBucketArn()))
                        .conditions(Map.of("StringLike", Map.of("s3:prefix",
                                List.of(LakeTable.EVENTS_PREFIX + "*", LakeTable.COMPACTED_PREFIX + "*"))))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("s3:GetObject"))
                        .resources(List.of(lake.arnForObjects(LakeTable.EVENTS_PREFIX + "*"),
                                lake.arnForObjects(LakeTable.COMPACTED_PREFIX + "*")))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("s3:PutObject"))
                        .resources(List.of(lake.arnForObjects(LakeTable.COMPACTED_PREFIX + "*")))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("s3:DeleteObject"))
                        .resources(List.of(lake.arnForObjects(LakeTable.EVENTS_PREFIX + "*")))
                        .build());
    }
}
