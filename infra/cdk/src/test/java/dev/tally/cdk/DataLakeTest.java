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
        assertThat(queries).hasSize(Report.values().length);
        for (var report : Report.values()) {
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
                "Cpu", String.valueOf(Workers.CPU),
                "Memory", String.valueOf(Workers.MEMORY_MIB),
                "TaskRoleArn", Match.anyValue()));
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
