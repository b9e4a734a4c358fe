package dev.tally.cdk;

import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.Report;
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

/** The analytics half of the template: lake bucket, Glue, Firehose, Athena, and the KCL workers on Fargate. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DataLakeTest {

    private static Template template;

    @BeforeAll
    static void synthesize() {
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        template = Template.fromStack(new TallyStack(new App(), "Tally", StackProps.builder().build(),
                new TallyStack.Settings(home, "https://issuer.example.com/", "tally-api", null,
                        TallyStack.Throttle.DEFAULT, null, List.of())));
    }

    @Test
    void the_lake_bucket_is_private_encrypted_tls_only_and_ages_data_out() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Id", "events-age-out", "Prefix", "events/")),
                        Match.objectLike(Map.of("Id", "errors-expire", "ExpirationInDays", 90)),
                        Match.objectLike(Map.of("Id", "athena-results-expire", "ExpirationInDays", 7)),
                        Match.objectLike(Map.of("Id", "abort-incomplete-uploads",
                                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 1))))))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void the_glue_table_has_the_lake_columns_and_projects_event_date_partitions() {
        var columns = new ArrayList<Map<String, String>>();
        LakeTable.EVENT_COLUMNS.forEach(c -> columns.add(Map.of("Name", c.name(), "Type", c.type())));
        var parameters = new java.util.HashMap<String, Object>(LakeTable.EVENT_DATE_PROJECTION);
        parameters.put("classification", "parquet");
        parameters.put("storage.location.template", Match.anyValue());
        template.hasResourceProperties("AWS::Glue::Table", Map.of(
                "DatabaseName", LakeDelivery.GLUE_DATABASE,
                "TableInput", Map.of(
                        "Name", LakeTable.EVENTS,
                        "TableType", "EXTERNAL_TABLE",
                        "Parameters", parameters,
                        "PartitionKeys", List.of(Map.of("Name", "event_date", "Type", "string")),
                        "StorageDescriptor", Match.objectLike(Map.of(
                                "Columns", columns,
                                "SerdeInfo", Map.of("SerializationLibrary",
                                        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"))))));
        template.hasResourceProperties("AWS::Glue::Table", Map.of("TableInput", Match.objectLike(Map.of(
                "Name", LakeTable.LEDGER_ACCOUNTS))));
    }

    @Test
    void the_compacted_days_are_a_glue_table_of_the_same_columns_under_their_own_prefix() {
        var columns = new ArrayList<Map<String, String>>();
        LakeTable.EVENT_COLUMNS.forEach(c -> columns.add(Map.of("Name", c.name(), "Type", c.type())));
        var parameters = new java.util.HashMap<String, Object>(LakeTable.EVENT_DATE_PROJECTION);
        parameters.put("classification", "parquet");
        parameters.put("storage.location.template", Map.of("Fn::Join", List.of("", List.of("s3://",
                Match.anyValue(), "/compacted/event_date=${event_date}/"))));
        template.hasResourceProperties("AWS::Glue::Table", Map.of(
                "DatabaseName", LakeDelivery.GLUE_DATABASE,
                "TableInput", Map.of(
                        "Name", LakeTable.COMPACTED,
                        "TableType", "EXTERNAL_TABLE",
                        "Parameters", parameters,
                        "PartitionKeys", List.of(Map.of("Name", "event_date", "Type", "string")),
                        "StorageDescriptor", Match.objectLike(Map.of("Columns", columns)))));
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("LifecycleConfiguration", Map.of("Rules",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Id", "compacted-age-out", "Prefix", "compacted/")))))));
    }

    @Test
    void the_compaction_job_runs_once_a_day_as_a_private_fargate_task_of_the_workers_image() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "cron(30 2 * * ? *)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of(
                        "EcsParameters", Match.objectLike(Map.of(
                                "LaunchType", "FARGATE",
                                "TaskCount", 1,
                                "TaskDefinitionArn", Map.of("Ref", Match.stringLikeRegexp("LakeCompactionTask.*")),
                                "NetworkConfiguration", Map.of("AwsVpcConfiguration", Match.objectLike(Map.of(
                                        "AssignPublicIp", "DISABLED"))))),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 7200))))));
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "Cpu", String.valueOf(LakeCompactionSchedule.CPU),
                "Memory", String.valueOf(LakeCompactionSchedule.MEMORY_MIB),
                "Volumes", List.of(Map.of("Name", "scratch")),
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Command", List.of("/app/lake-compaction.jar"),
                        "ReadonlyRootFilesystem", true,
                        "MountPoints", List.of(Map.of("ContainerPath", "/tmp", "SourceVolume", "scratch", "ReadOnly", false)),
                        "Environment", List.of(
                                Map.of("Name", "TALLY_LAKE_BUCKET", "Value", Map.of("Ref", Match.stringLikeRegexp("LakeBucket.*"))),
                                Map.of("Name", "TALLY_LAKE_COMPACTION_GRACE_DAYS", "Value", "2")))))));
    }

    @Test
    void the_compaction_job_may_list_and_read_the_lake_write_only_compacted_objects_and_delete_only_raw_ones() {
        var bucket = Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("LakeBucket.*"), "Arn"));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("LakeCompactionTaskRole.*"))),
                "PolicyDocument", Map.of("Statement", List.of(
                        Map.of("Effect", "Allow", "Action", "s3:ListBucket", "Resource", bucket,
                                "Condition", Map.of("StringLike", Map.of("s3:prefix", List.of("events/*", "compacted/*")))),
                        Map.of("Effect", "Allow", "Action", "s3:GetObject", "Resource", List.of(
                                objects("events/*"), objects("compacted/*"))),
                        Map.of("Effect", "Allow", "Action", "s3:PutObject", "Resource", objects("compacted/*")),
                        Map.of("Effect", "Allow", "Action", "s3:DeleteObject", "Resource", objects("events/*"))))));
        // the rule's role may run the task and pass its roles, nothing else
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("LakeCompactionTaskEventsRole.*"))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", "ecs:RunTask",
                        "Resource", Map.of("Ref", Match.stringLikeRegexp("LakeCompactionTask.*")))))))));
    }

    private static Map<String, Object> objects(String pattern) {
        return Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("LakeBucket.*"), "Arn")),
                "/" + pattern)));
    }

    @Test
    void firehose_partitions_by_event_date_and_converts_to_parquet_from_the_glue_schema() {
        template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamName", LakeDelivery.DELIVERY_STREAM,
                "DeliveryStreamType", "DirectPut",
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "Prefix", "events/event_date=!{partitionKeyFromQuery:event_date}/",
                        "ErrorOutputPrefix", LakeDelivery.ERROR_PREFIX,
                        "FileExtension", ".parquet",
                        "BufferingHints", Map.of("SizeInMBs", 128, "IntervalInSeconds", 300),
                        "DynamicPartitioningConfiguration", Match.objectLike(Map.of("Enabled", true)),
                        "ProcessingConfiguration", Map.of("Enabled", true, "Processors", List.of(Map.of(
                                "Type", "MetadataExtraction",
                                "Parameters", List.of(
                                        Map.of("ParameterName", "MetadataExtractionQuery", "ParameterValue", "{event_date:.event_date}"),
                                        Map.of("ParameterName", "JsonParsingEngine", "ParameterValue", "JQ-1.6"))))),
                        "DataFormatConversionConfiguration", Match.objectLike(Map.of(
                                "Enabled", true,
                                "SchemaConfiguration", Match.objectLike(Map.of("DatabaseName", "tally", "TableName", "lake_events")),
                                "OutputFormatConfiguration", Map.of("Serializer", Map.of("ParquetSerDe", Map.of("Compression", "SNAPPY")))))))));
    }

    @Test
    void only_firehose_acting_for_this_account_may_assume_the_delivery_role() {
        template.hasResourceProperties("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", Map.of("Statement", List.of(
                Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "firehose.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", Map.of("Ref", "AWS::AccountId")))))))));
    }

    @Test
    void the_athena_workgroup_runs_engine_3_with_each_report_as_a_named_query() {
        template.hasResourceProperties("AWS::Athena::WorkGroup", Map.of(
                "Name", DataLake.WORKGROUP,
                "WorkGroupConfiguration", Match.objectLike(Map.of(
                        "EnforceWorkGroupConfiguration", true,
                        "BytesScannedCutoffPerQuery", DataLake.BYTES_SCANNED_CUTOFF,
                        "EngineVersion", Map.of("SelectedEngineVersion", "Athena engine version 3"),
                        "ResultConfiguration", Match.objectLike(Map.of(
                                "EncryptionConfiguration", Map.of("EncryptionOption", "SSE_S3")))))));
        var queries = template.findResources("AWS::Athena::NamedQuery");
        assertThat(queries).hasSize(Report.all().size());
        for (var report : Report.all()) {
            template.hasResourceProperties("AWS::Athena::NamedQuery", Map.of(
                    "Name", report.reportName(), "Database", "tally", "QueryString", report.sql()));
        }
    }

    @Test
    void the_kcl_workers_run_as_private_arm64_fargate_services_with_their_own_roles() {
        template.resourceCountIs("AWS::ECS::Service", 2);
        template.allResourcesProperties("AWS::ECS::Service", Map.of(
                "LaunchType", "FARGATE",
                "DesiredCount", Workers.TASKS_PER_SERVICE,
                "NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of("AssignPublicIp", "DISABLED"))),
                "DeploymentConfiguration", Match.objectLike(Map.of(
                        "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true)))));
        template.allResourcesProperties("AWS::ECS::TaskDefinition", Map.of(
                "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                "TaskRoleArn", Match.anyValue()));
        assertThat(template.findResources("AWS::ECS::TaskDefinition", Map.of("Properties", Match.objectLike(Map.of(
                "Cpu", String.valueOf(Workers.CPU), "Memory", String.valueOf(Workers.MEMORY_MIB)))))).hasSize(2);
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", List.of(Match.objectLike(Map.of(
                "Command", List.of("/app/lake-writer.jar"),
                "ReadonlyRootFilesystem", true,
                "Environment", Match.arrayWith(List.of(Map.of("Name", "TALLY_LAKE_DELIVERY_STREAM", "Value", "tally-lake"))))))));
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", List.of(Match.objectLike(Map.of(
                "Command", List.of("/app/projection-worker.jar"))))));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "tally-lake-writer",
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", "LeaseOwnerToLeaseKeyIndex")))));
    }
}
