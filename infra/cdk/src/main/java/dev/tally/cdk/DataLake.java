package dev.tally.cdk;

import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.athena.CfnNamedQuery;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogStream;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data lake: the bucket, the Glue database and tables the Parquet conversion and Athena read, the Firehose
 * delivery stream (configured from {@link LakeDelivery}, like the local stand-in), the Athena workgroup with the
 * report SQL files as named queries, a policy for whoever runs reports, and the delivery alarms.
 */
final class DataLake extends Construct {

    static final String WORKGROUP = "tally";
    static final String ATHENA_RESULTS_PREFIX = "athena-results/";
    static final String ERRORS_PREFIX = "errors/";
    /** Athena stops a query that would scan more than this: a runaway report costs cents, not dollars. */
    static final long BYTES_SCANNED_CUTOFF = 10L * 1024 * 1024 * 1024;

    final Bucket bucket;
    final CfnDeliveryStream delivery;
    final String deliveryStreamArn;
    final ManagedPolicy reportRunner;

    DataLake(Construct scope, String id, Table events) {
        super(scope, id);
        var stack = Stack.of(this);
        bucket = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(
                        ageOut("events-age-out", LakeTable.EVENTS_PREFIX),
                        ageOut("compacted-age-out", LakeTable.COMPACTED_PREFIX),
                        LifecycleRule.builder().id("errors-expire").prefix(ERRORS_PREFIX).expiration(Duration.days(90)).build(),
                        LifecycleRule.builder().id("athena-results-expire").prefix(ATHENA_RESULTS_PREFIX)
                                .expiration(Duration.days(7)).build(),
                        LifecycleRule.builder().id("abort-incomplete-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()))
                .build();

        var database = CfnDatabase.Builder.create(this, "Database").catalogId(stack.getAccount())
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder().name(LakeDelivery.GLUE_DATABASE)
                        .description("Tally's data lake").build())
                .build();
        var eventsParameters = new HashMap<String, String>(LakeTable.EVENT_DATE_PROJECTION);
        eventsParameters.put("classification", "parquet");
        eventsParameters.put("storage.location.template",
                "s3://" + bucket.getBucketName() + "/" + LakeTable.EVENTS_PREFIX + LakeTable.EVENT_DATE + "=${" + LakeTable.EVENT_DATE + "}/");
        var eventsTable = parquetTable("EventsTable", LakeTable.EVENTS, LakeTable.EVENT_COLUMNS, LakeTable.EVENTS_PREFIX,
                List.of(CfnTable.ColumnProperty.builder().name(LakeTable.PARTITION.name()).type(LakeTable.PARTITION.type()).build()), eventsParameters);
        eventsTable.getNode().addDependency(database);
        // the compacted days (LakeCompaction): the same columns and projection under their own prefix
        var compactedParameters = new HashMap<String, String>(LakeTable.EVENT_DATE_PROJECTION);
        compactedParameters.put("classification", "parquet");
        compactedParameters.put("storage.location.template",
                "s3://" + bucket.getBucketName() + "/" + LakeTable.COMPACTED_PREFIX + LakeTable.EVENT_DATE + "=${" + LakeTable.EVENT_DATE + "}/");
        var compactedTable = parquetTable("CompactedTable", LakeTable.COMPACTED, LakeTable.EVENT_COLUMNS, LakeTable.COMPACTED_PREFIX,
                List.of(CfnTable.ColumnProperty.builder().name(LakeTable.PARTITION.name()).type(LakeTable.PARTITION.type()).build()), compactedParameters);
        compactedTable.getNode().addDependency(database);
        var ledgerTable = parquetTable("LedgerAccountsTable", LakeTable.LEDGER_ACCOUNTS, LakeTable.LEDGER_COLUMNS,
                LakeTable.LEDGER_PREFIX, List.of(), Map.of("classification", "parquet"));
        ledgerTable.getNode().addDependency(database);

        var catalogArn = stack.formatArn(arn("glue", "catalog", null));
        var databaseArn = stack.formatArn(arn("glue", "database", LakeDelivery.GLUE_DATABASE));
        var eventsTableArn = stack.formatArn(arn("glue", "table", LakeDelivery.GLUE_DATABASE + "/" + LakeTable.EVENTS));
        var compactedTableArn = stack.formatArn(arn("glue", "table", LakeDelivery.GLUE_DATABASE + "/" + LakeTable.COMPACTED));
        var ledgerTableArn = stack.formatArn(arn("glue", "table", LakeDelivery.GLUE_DATABASE + "/" + LakeTable.LEDGER_ACCOUNTS));

        var logs = LogGroup.Builder.create(this, "DeliveryLogs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        var logStream = LogStream.Builder.create(this, "DeliveryLogStream").logGroup(logs).logStreamName("S3Delivery").build();
        // only Firehose acting for this account may assume the role (confused-deputy protection, as AWS advises)
        var firehosePrincipal = new ServicePrincipal("firehose.amazonaws.com")
                .withConditions(Map.of("StringEquals", Map.of("sts:ExternalId", stack.getAccount())));
        var role = Role.Builder.create(this, "DeliveryRole").assumedBy(firehosePrincipal)
                .description("Firehose writes the lake: Parquet objects and error documents, schema from Glue").build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"))
                .resources(List.of(bucket.getBucketArn())).build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"))
                .resources(List.of(bucket.arnForObjects(LakeTable.EVENTS_PREFIX + "*"), bucket.arnForObjects(ERRORS_PREFIX + "*")))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"))
                .resources(List.of(catalogArn, databaseArn, eventsTableArn)).build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:PutLogEvents"))
                .resources(List.of(stack.formatArn(software.amazon.awscdk.ArnComponents.builder().service("logs")
                        .resource("log-group").resourceName(logs.getLogGroupName() + ":log-stream:*")
                        .arnFormat(software.amazon.awscdk.ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());

        delivery = CfnDeliveryStream.Builder.create(this, "Delivery")
                .deliveryStreamName(LakeDelivery.DELIVERY_STREAM)
                .deliveryStreamType("DirectPut")
                .deliveryStreamEncryptionConfigurationInput(CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty
                        .builder().keyType("AWS_OWNED_CMK").build())
                .extendedS3DestinationConfiguration(CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.builder()
                        .bucketArn(bucket.getBucketArn())
                        .roleArn(role.getRoleArn())
                        .prefix(LakeDelivery.PREFIX)
                        .errorOutputPrefix(LakeDelivery.ERROR_PREFIX)
                        .fileExtension(LakeDelivery.FILE_EXTENSION)
                        .compressionFormat("UNCOMPRESSED")
                        .bufferingHints(CfnDeliveryStream.BufferingHintsProperty.builder()
                                .sizeInMBs(LakeDelivery.BUFFER_SIZE_MIB)
                                .intervalInSeconds((int) LakeDelivery.BUFFER_INTERVAL.toSeconds()).build())
                        .dynamicPartitioningConfiguration(CfnDeliveryStream.DynamicPartitioningConfigurationProperty.builder()
                                .enabled(true)
                                .retryOptions(CfnDeliveryStream.RetryOptionsProperty.builder().durationInSeconds(300).build())
                                .build())
                        .processingConfiguration(CfnDeliveryStream.ProcessingConfigurationProperty.builder()
                                .enabled(true)
                                .processors(List.of(CfnDeliveryStream.ProcessorProperty.builder()
                                        .type("MetadataExtraction")
                                        .parameters(List.of(
                                                parameter("MetadataExtractionQuery", LakeDelivery.METADATA_EXTRACTION_QUERY),
                                                parameter("JsonParsingEngine", LakeDelivery.JQ_ENGINE)))
                                        .build()))
                                .build())
                        .dataFormatConversionConfiguration(CfnDeliveryStream.DataFormatConversionConfigurationProperty.builder()
                                .enabled(true)
                                .schemaConfiguration(CfnDeliveryStream.SchemaConfigurationProperty.builder()
                                        .catalogId(stack.getAccount())
                                        .databaseName(LakeDelivery.GLUE_DATABASE)
                                        .tableName(LakeTable.EVENTS)
                                        .region(stack.getRegion())
                                        .roleArn(role.getRoleArn())
                                        .versionId("LATEST").build())
                                .inputFormatConfiguration(CfnDeliveryStream.InputFormatConfigurationProperty.builder()
                                        .deserializer(CfnDeliveryStream.DeserializerProperty.builder()
                                                .openXJsonSerDe(CfnDeliveryStream.OpenXJsonSerDeProperty.builder().build()).build())
                                        .build())
                                .outputFormatConfiguration(CfnDeliveryStream.OutputFormatConfigurationProperty.builder()
                                        .serializer(CfnDeliveryStream.SerializerProperty.builder()
                                                .parquetSerDe(CfnDeliveryStream.ParquetSerDeProperty.builder()
                                                        .compression("SNAPPY").build()).build())
                                        .build())
                                .build())
                        .cloudWatchLoggingOptions(CfnDeliveryStream.CloudWatchLoggingOptionsProperty.builder()
                                .enabled(true).logGroupName(logs.getLogGroupName()).logStreamName(logStream.getLogStreamName())
                                .build())
                        .build())
                .build();
        // the role's policy must exist before Firehose first uses the role
        delivery.getNode().addDependency(role);
        delivery.getNode().addDependency(eventsTable);
        deliveryStreamArn = delivery.getAttrArn();

        var workGroup = CfnWorkGroup.Builder.create(this, "WorkGroup")
                .name(WORKGROUP)
                .description("Tally's SQL reports")
                .recursiveDeleteOption(true)
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        .enforceWorkGroupConfiguration(true)
                        .publishCloudWatchMetricsEnabled(true)
                        .bytesScannedCutoffPerQuery(BYTES_SCANNED_CUTOFF)
                        .engineVersion(CfnWorkGroup.EngineVersionProperty.builder()
                                .selectedEngineVersion("Athena engine version 3").build())
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation("s3://" + bucket.getBucketName() + "/" + ATHENA_RESULTS_PREFIX)
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_S3").build())
                                .build())
                        .build())
                .build();
        for (var report : Report.all()) { // Tally's reports and the saved queries
            var query = CfnNamedQuery.Builder.create(this, "Report-" + report.reportName())
                    .name(report.reportName())
                    .description(report.description())
                    .database(LakeDelivery.GLUE_DATABASE)
                    .workGroup(workGroup.getName())
                    .queryString(report.sql())
                    .build();
            query.getNode().addDependency(workGroup);
        }

        reportRunner = ManagedPolicy.Builder.create(this, "ReportRunner")
                .description("What ./tally report --engine athena needs: run queries in the workgroup, read the lake, "
                        + "write query results and the ledger export")
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .actions(List.of("athena:StartQueryExecution", "athena:GetQueryExecution",
                                        "athena:GetQueryResults", "athena:StopQueryExecution"))
                                .resources(List.of(stack.formatArn(arn("athena", "workgroup", WORKGROUP)))).build(),
                        PolicyStatement.Builder.create()
                                .actions(List.of("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"))
                                .resources(List.of(catalogArn, databaseArn, eventsTableArn, compactedTableArn, ledgerTableArn)).build(),
                        PolicyStatement.Builder.create()
                                .actions(List.of("s3:GetBucketLocation", "s3:ListBucket"))
                                .resources(List.of(bucket.getBucketArn())).build(),
                        PolicyStatement.Builder.create()
                                .actions(List.of("s3:GetObject"))
                                .resources(List.of(bucket.arnForObjects(LakeTable.EVENTS_PREFIX + "*"),
                                        bucket.arnForObjects(LakeTable.COMPACTED_PREFIX + "*"),
                                        bucket.arnForObjects(LakeTable.LEDGER_PREFIX + "*"),
                                        bucket.arnForObjects(ATHENA_RESULTS_PREFIX + "*"))).build(),
                        PolicyStatement.Builder.create()
                                .actions(List.of("s3:PutObject", "s3:AbortMultipartUpload"))
                                .resources(List.of(bucket.arnForObjects(ATHENA_RESULTS_PREFIX + "*"),
                                        bucket.arnForObjects(LedgerExport.OBJECT_KEY))).build(),
                        PolicyStatement.Builder.create()
                                .actions(List.of("dynamodb:Scan"))
                                .resources(List.of(events.getTableArn())).build()))
                .build();

        var dimensions = Map.of("DeliveryStreamName", LakeDelivery.DELIVERY_STREAM);
        Alarm.Builder.create(this, "DeliveryFailures")
                .alarmDescription("Firehose failed to deliver to the lake bucket (see the delivery log and errors/ in the bucket)")
                .metric(Metric.Builder.create().namespace("AWS/Firehose").metricName("DeliveryToS3.Success")
                        .dimensionsMap(dimensions).statistic("Minimum").period(Duration.minutes(5)).build())
                .threshold(1).evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
        Alarms.above(this, "DeliveryFreshness",
                "The oldest record in Firehose is over 15 minutes old: the lake is falling behind",
                Metric.Builder.create().namespace("AWS/Firehose").metricName("DeliveryToS3.DataFreshness")
                        .dimensionsMap(dimensions).statistic("Maximum").period(Duration.minutes(5)).build(),
                900, 3);
    }

    private CfnTable parquetTable(String id, String name, List<LakeTable.Column> columns, String prefix,
                                  List<CfnTable.ColumnProperty> partitionKeys, Map<String, String> parameters) {
        var stack = Stack.of(this);
        var glueColumns = new ArrayList<CfnTable.ColumnProperty>();
        columns.forEach(c -> glueColumns.add(CfnTable.ColumnProperty.builder().name(c.name()).type(c.type()).build()));
        return CfnTable.Builder.create(this, id)
                .catalogId(stack.getAccount())
                .databaseName(LakeDelivery.GLUE_DATABASE)
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(name)
                        .tableType("EXTERNAL_TABLE")
                        .parameters(parameters)
                        .partitionKeys(partitionKeys)
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .location("s3://" + bucket.getBucketName() + "/" + prefix)
                                .columns(glueColumns)
                                .inputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
                                        .build())
                                .build())
                        .build())
                .build();
    }

    private static CfnDeliveryStream.ProcessorParameterProperty parameter(String name, String value) {
        return CfnDeliveryStream.ProcessorParameterProperty.builder().parameterName(name).parameterValue(value).build();
    }

    private static software.amazon.awscdk.ArnComponents arn(String service, String resource, String name) {
        var builder = software.amazon.awscdk.ArnComponents.builder().service(service).resource(resource);
        if (name != null) {
            builder.resourceName(name);
        }
        return builder.build();
    }

    /** Older Parquet under {@code prefix} moves to cheaper storage, still queryable: reports read recent days most. */
    private static LifecycleRule ageOut(String id, String prefix) {
        return LifecycleRule.builder().id(id).prefix(prefix)
                .transitions(List.of(
                        Transition.builder().storageClass(StorageClass.INFREQUENT_ACCESS)
                                .transitionAfter(Duration.days(90)).build(),
                        Transition.builder().storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                                .transitionAfter(Duration.days(365)).build()))
                .build();
    }
}
