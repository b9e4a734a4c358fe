package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.emulators.S3rver;
import dev.tally.standins.LocalClients;
import dev.tally.standins.SettableClock;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.glue.GlueTable;
import dev.tally.standins.glue.GlueTable.Column;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.ProcessingConfiguration;
import software.amazon.awssdk.services.firehose.model.Processor;
import software.amazon.awssdk.services.firehose.model.ProcessorParameter;
import software.amazon.awssdk.services.firehose.model.ProcessorParameterName;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Firehose stand-in through the real {@link FirehoseClient}, delivering to a real s3rver, held to what the AWS
 * docs say:
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html">PutRecordBatch</a> and
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html">PutRecord</a> (limits,
 * per-record failures),
 * <a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html">BufferingHints</a>,
 * <a href="https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html">dynamic partitioning</a>,
 * <a href="https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html">record format
 * conversion</a> and its
 * <a href="https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion-error-handling.html">error
 * output</a>, and the <a href="https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html">object
 * names</a> with their <a href="https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html">prefixes</a>.
 *
 * <p>The Glue table is this test's own, a shop's orders partitioned by day. The stand-in's clock is the test's, so
 * buffer intervals pass when the test says and object names are known in advance.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LocalFirehoseTest {

    private static final String ORDERS = "orders";
    private static final String CLICKS = "clicks";
    private static final String ROLE = "arn:aws:iam::000000000000:role/delivery";
    private static final Instant START = Instant.parse("2026-03-01T10:15:30Z");
    private static final int KIB = 1024;
    /** The test's table: typed columns for the Parquet schema, and the day as a Hive-style partition key. */
    private static final GlueTable ORDERS_TABLE = new GlueTable("shop", "orders", "s3://lake/orders/", List.of(
            new Column("order_id", "string"), new Column("quantity", "bigint"), new Column("price", "double"),
            new Column("paid", "boolean"), new Column("placed_at", "timestamp"), new Column("ship_by", "date")),
            List.of(new Column("order_day", "string")));

    private static S3rver s3rver;
    private static S3Client s3;
    private static final AtomicInteger buckets = new AtomicInteger();

    private final ObjectMapper json = new ObjectMapper();
    private final SettableClock clock = new SettableClock(START);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final GlueCatalog glue = new GlueCatalog();
    @TempDir
    Path spool;
    private String bucket;
    private LocalFirehose standIn;
    private FirehoseClient firehose;

    @BeforeAll
    static void startS3() {
        s3rver = S3rver.start(0, Optional.empty(), List.of());
        s3 = LocalClients.s3(s3rver.endpoint());
    }

    @AfterAll
    static void stopS3() {
        s3.close();
        s3rver.close();
    }

    @BeforeEach
    void start() {
        bucket = "lake-" + buckets.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket));
        glue.put(ORDERS_TABLE);
        open();
    }

    /** Starts a stand-in on the test's spool folder, as a new process would. */
    private void open() {
        standIn = new LocalFirehose(0, s3, glue, LocalClients.REGION, clock, Optional.of(spool), log::add);
        // no SDK retries: a rejected record must reach the test as the stand-in answered it
        firehose = LocalClients.client(FirehoseClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())), standIn.endpoint());
    }

    @AfterEach
    void stop() {
        firehose.close();
        if (standIn != null) {
            standIn.close();
        }
    }

    // ---------------------------------------------------------------- API limits and errors

    @Test
    void a_batch_of_more_than_500_records_or_4_MiB_and_a_record_over_1000_KiB_are_refused_whole() {
        createClicks(128, 900);
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(records(500, 10))).failedPutCount())
                .as("500 records is the limit, not over it").isZero();
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(records(501, 10))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("between 1 and 500");

        var fourMiB = new ArrayList<>(records(4, 1000 * KIB));
        fourMiB.add(record(new byte[4 * 1024 * KIB - 4 * 1000 * KIB]));
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(fourMiB)).failedPutCount())
                .as("exactly 4 MiB").isZero();
        fourMiB.add(record(new byte[1]));
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(fourMiB)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("4 MiB");

        firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record(new byte[1000 * KIB])));
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record(new byte[1000 * KIB + 1]))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("1024000");
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS)
                .records(record(new byte[10]), record(new byte[1000 * KIB + 1]))))
                .as("one record too big refuses the batch").hasMessageContaining("records.2.member.data");

        assertThat(standIn.buffered()).as("only what was accepted is buffered").isEqualTo(500 + 5 + 1);
    }

    @Test
    void an_unknown_stream_is_not_found_and_a_second_stream_of_the_same_name_is_in_use() {
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("nope").record(record(new byte[1]))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("nope")))
                .isInstanceOf(ResourceNotFoundException.class);

        var arn = createClicks(5, 300);

        var description = firehose.describeDeliveryStream(b -> b.deliveryStreamName(CLICKS)).deliveryStreamDescription();
        assertThat(arn).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/clicks");
        assertThat(description.deliveryStreamARN()).isEqualTo(arn);
        assertThat(description.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
        assertThat(description.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
        assertThat(description.createTimestamp()).isEqualTo(START);
        assertThat(description.destinations()).singleElement().satisfies(d -> {
            assertThat(d.extendedS3DestinationDescription().bucketARN()).isEqualTo("arn:aws:s3:::" + bucket);
            assertThat(d.extendedS3DestinationDescription().bufferingHints().sizeInMBs()).isEqualTo(5);
        });
        assertThatThrownBy(() -> createClicks(5, 300))
                .isInstanceOf(ResourceInUseException.class).hasMessageContaining("clicks");
    }

    @Test
    void buffering_hints_outside_1_to_128_MiB_and_0_to_900_seconds_are_refused() {
        assertThatThrownBy(() -> createClicks(129, 60))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("SizeInMBs must be 1 to 128, was 129");
        assertThatThrownBy(() -> createClicks(0, 60))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("SizeInMBs must be 1 to 128, was 0");
        assertThatThrownBy(() -> createClicks(1, 901))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("IntervalInSeconds must be 0 to 900, was 901");
        assertThatThrownBy(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName(CLICKS)))
                .as("a refused stream is not created").isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void settings_the_stand_in_cannot_copy_are_refused_when_the_stream_is_created() {
        assertThatThrownBy(() -> createOrders(128, 900, d -> d.processingConfiguration(
                metadataExtraction("{order_day: .placed_at | split(\" \")[0]}"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("{key:.field, ...}");
        assertThatThrownBy(() -> createOrders(128, 900, d -> d.prefix("orders/")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("!{partitionKeyFromQuery:order_day}");
        assertThatThrownBy(() -> createOrders(128, 900, d -> d.errorOutputPrefix(null)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ErrorOutputPrefix is required");
        assertThatThrownBy(() -> createOrders(128, 900, d -> d.errorOutputPrefix("errors/!{nope:x}/")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unknown expression !{nope:x}");
        assertThatThrownBy(() -> createOrders(128, 900, d -> d.dataFormatConversionConfiguration(c -> c.enabled(true)
                .schemaConfiguration(s -> s.databaseName("shop").tableName("returns").roleARN(ROLE))
                .outputFormatConfiguration(o -> o.serializer(s -> s.parquetSerDe(p -> { }))))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Glue table shop.returns not found");
    }

    @Test
    void records_rejected_by_fault_injection_get_their_error_code_and_the_others_are_accepted() {
        createClicks(128, 900);
        standIn.rejectNext(3, "ServiceUnavailableException");

        var response = firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(records(5, 10)));

        assertThat(response.failedPutCount()).isEqualTo(3);
        assertThat(response.requestResponses()).hasSize(5);
        assertThat(response.requestResponses().subList(0, 3)).allSatisfy(entry -> {
            assertThat(entry.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(entry.errorMessage()).isNotBlank();
            assertThat(entry.recordId()).isNull();
        });
        assertThat(response.requestResponses().subList(3, 5)).allSatisfy(entry -> {
            assertThat(entry.errorCode()).isNull();
            assertThat(entry.recordId()).isNotBlank();
        }).extracting(PutRecordBatchResponseEntry::recordId).doesNotHaveDuplicates();
        assertThat(standIn.buffered()).as("rejected records are not buffered").isEqualTo(2);

        standIn.rejectNext(1, "ServiceUnavailableException");
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record(new byte[10]))))
                .as("PutRecord fails as a whole").isInstanceOf(ServiceUnavailableException.class);
        assertThat(firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record(new byte[10]))).recordId())
                .as("once the rejections are used up").isNotBlank();
        assertThat(standIn.buffered()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- delivery

    @Test
    void records_land_as_parquet_with_the_glue_schema_under_their_partition_with_firehose_object_names(@TempDir Path download)
            throws Exception {
        createOrders(128, 900);
        var placedAt = Instant.parse("2026-03-02T08:30:00.250Z").toEpochMilli();
        var response = firehose.putRecordBatch(b -> b.deliveryStreamName(ORDERS).records(
                order("{'order_id':'o-1','quantity':2,'price':9.5,'paid':true,'placed_at':'2026-03-01 10:00:00.123',"
                        + "'ship_by':'2026-03-05','order_day':'2026-03-01'}"),
                order("{'ORDER_ID':'o-2','Quantity':'7','price':1,'paid':false,'placed_at':'2026-03-01 23:59:59',"
                        + "'order_day':'2026-03-01','coupon':'SPRING'}"),
                order("{'order_id':'o-3','quantity':1,'price':0.25,'paid':true,'placed_at':" + placedAt + ","
                        + "'ship_by':'2026-03-09','order_day':'2026-03-02'}")));
        assertThat(response.failedPutCount()).isZero();
        assertThat(standIn.buffered()).isEqualTo(3);
        assertThat(objects("orders/")).as("a 900 s buffer holds them").isEmpty();

        standIn.flush();

        var keys = objects("orders/").stream().map(S3Object::key).toList();
        assertThat(keys).hasSize(2).allMatch(key -> key.matches(
                "orders/order_day=2026-03-0[12]/orders-1-2026-03-01-10-15-30-[0-9a-f-]{36}\\.parquet"));
        assertThat(standIn.buffered()).isZero();
        try (var duckdb = DriverManager.getConnection("jdbc:duckdb:"); var statement = duckdb.createStatement()) {
            statement.execute("SET TimeZone='UTC'");
            var files = new ArrayList<String>();
            for (var key : keys) {
                var file = download.resolve(key.substring(key.indexOf('=') + 1, key.indexOf('/', key.indexOf('='))) + ".parquet");
                Files.write(file, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
                files.add("'" + file + "'");
            }
            var source = "read_parquet([" + String.join(", ", files) + "])";

            assertThat(rows(statement, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + source + ")"))
                    .as("the table's columns in order, the partition key in the object name only").containsExactly(
                            List.of("order_id", "VARCHAR"), List.of("quantity", "BIGINT"), List.of("price", "DOUBLE"),
                            List.of("paid", "BOOLEAN"), List.of("placed_at", "TIMESTAMP"), List.of("ship_by", "DATE"));
            assertThat(rows(statement, "SELECT DISTINCT compression FROM parquet_metadata([" + String.join(", ", files) + "])"))
                    .as("ParquetSerDe compresses with Snappy by default").containsExactly(List.of("SNAPPY"));
            assertThat(rows(statement, "SELECT order_id, quantity::VARCHAR, price::VARCHAR, paid::VARCHAR, "
                    + "strftime(placed_at, '%Y-%m-%d %H:%M:%S.%g'), ship_by::VARCHAR FROM " + source + " ORDER BY order_id"))
                    .as("names matched case-insensitively, unknown fields ignored, a missing field null").containsExactly(
                            List.of("o-1", "2", "9.5", "true", "2026-03-01 10:00:00.123", "2026-03-05"),
                            Arrays.asList("o-2", "7", "1.0", "false", "2026-03-01 23:59:59.000", null),
                            List.of("o-3", "1", "0.25", "true", "2026-03-02 08:30:00.250", "2026-03-09"));
        }
    }

    @Test
    void records_that_do_not_fit_the_schema_or_lack_the_partition_key_go_to_the_error_output() throws Exception {
        createOrders(128, 900);
        var good = "{\"order_id\":\"o-1\",\"quantity\":1,\"order_day\":\"2026-03-01\"}";
        var badQuantity = "{\"order_id\":\"o-2\",\"quantity\":\"lots\",\"order_day\":\"2026-03-01\"}";
        var noDay = "{\"order_id\":\"o-3\",\"quantity\":1}";
        var notJson = "hello";
        var response = firehose.putRecordBatch(b -> b.deliveryStreamName(ORDERS).records(
                record(good.getBytes(StandardCharsets.UTF_8)), record(badQuantity.getBytes(StandardCharsets.UTF_8)),
                record(noDay.getBytes(StandardCharsets.UTF_8)), record(notJson.getBytes(StandardCharsets.UTF_8))));
        assertThat(response.failedPutCount()).as("Firehose accepts them all; they fail on the way to S3").isZero();

        standIn.flush();

        assertThat(objects("orders/")).hasSize(1);
        var errors = objects("errors/").stream().map(S3Object::key).toList();
        assertThat(errors).hasSize(2)
                .anyMatch(k -> k.matches("errors/format-conversion-failed/2026/03/01/orders-1-2026-03-01-10-15-30-[0-9a-f-]{36}"))
                .anyMatch(k -> k.matches("errors/partitioning-failed/2026/03/01/orders-1-2026-03-01-10-15-30-[0-9a-f-]{36}"));

        var conversion = errorDocuments(errors, "format-conversion-failed");
        assertThat(conversion).singleElement().satisfies(document -> {
            assertThat(document.get("attemptsMade").asInt()).isEqualTo(1);
            assertThat(document.get("arrivalTimestamp").asLong()).isEqualTo(START.toEpochMilli());
            assertThat(document.get("lastErrorCode").asText()).isEqualTo("DataFormatConversion.MalformedData");
            assertThat(document.get("lastErrorMessage").asText()).contains("column quantity (bigint)").contains("\"lots\"");
            assertThat(rawData(document)).isEqualTo(badQuantity);
            assertThat(document.get("dataCatalogTable")).isEqualTo(json.readTree(
                    "{\"catalogId\":\"000000000000\",\"databaseName\":\"shop\",\"tableName\":\"orders\",\"region\":\"us-east-1\"}"));
        });
        var partitioning = errorDocuments(errors, "partitioning-failed");
        assertThat(partitioning).hasSize(2).allSatisfy(document ->
                assertThat(document.get("lastErrorCode").asText()).isEqualTo("DynamicPartitioning.MetadataExtractionFailed"));
        assertThat(partitioning).extracting(LocalFirehoseTest::rawData).containsExactly(noDay, notJson);
        assertThat(partitioning.getFirst().get("lastErrorMessage").asText()).contains(".order_day").contains("missing");
        assertThat(partitioning.getLast().get("lastErrorMessage").asText()).contains("not JSON");
    }

    @Test
    void a_record_for_a_501st_active_partition_goes_to_the_error_output() throws Exception {
        createClicksByUser();
        for (int batch = 0; batch < 2; batch++) {
            var users = new ArrayList<Record>();
            for (int i = 0; i < 250; i++) {
                users.add(record(("{\"user\":\"u" + (batch * 250 + i) + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(users));
        }
        var oneMore = "{\"user\":\"u500\"}";
        firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record(oneMore.getBytes(StandardCharsets.UTF_8))));
        firehose.putRecord(b -> b.deliveryStreamName(CLICKS).record(record("{\"user\":\"u7\"}".getBytes(StandardCharsets.UTF_8))));

        assertThat(standIn.buffered()).as("500 partitions, one of them with two records").isEqualTo(501);
        var errors = objects("errors/partitioning-failed/").stream().map(S3Object::key).toList();
        assertThat(errorDocuments(errors, "partitioning-failed")).singleElement().satisfies(document -> {
            assertThat(document.get("lastErrorCode").asText()).isEqualTo("DynamicPartitioning.ActivePartitionsLimitExceeded");
            assertThat(rawData(document)).isEqualTo(oneMore);
            assertThat(document.has("dataCatalogTable")).as("no format conversion, no table").isFalse();
        });
        standIn.crash(); // delivering the 500 buffers would only take time
        standIn = null;
    }

    @Test
    void a_buffer_is_delivered_once_its_interval_has_passed_without_a_flush() {
        createOrders(128, 60);
        firehose.putRecord(b -> b.deliveryStreamName(ORDERS).record(order("{'order_id':'o-1','order_day':'2026-03-01'}")));

        clock.set(START.plusSeconds(59));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                .until(() -> objects("orders/").isEmpty() && standIn.buffered() == 1);

        clock.set(START.plusSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> objects("orders/").size() == 1);
        assertThat(standIn.buffered()).isZero();
    }

    @Test
    void a_buffer_that_reaches_its_size_hint_is_delivered_before_its_interval_with_the_records_as_they_came() {
        createClicks(1, 900);
        firehose.putRecordBatch(b -> b.deliveryStreamName(CLICKS).records(records(2, 600 * KIB)));

        await().atMost(Duration.ofSeconds(10)).until(() -> objects("clicks/").size() == 1);
        var object = objects("clicks/").getFirst();
        assertThat(object.key()).matches("clicks/clicks-1-2026-03-01-10-15-30-[0-9a-f-]{36}");
        assertThat(object.size()).as("no conversion: the records concatenated").isEqualTo(2 * 600 * KIB);
    }

    // ---------------------------------------------------------------- durability

    @Test
    void closing_delivers_every_buffer_so_accepted_records_are_not_lost() {
        createOrders(128, 900);
        firehose.putRecord(b -> b.deliveryStreamName(ORDERS).record(order("{'order_id':'o-1','order_day':'2026-03-01'}")));
        firehose.putRecord(b -> b.deliveryStreamName(ORDERS).record(order("{'order_id':'o-2','order_day':'2026-03-02'}")));
        assertThat(objects("orders/")).isEmpty();

        standIn.close();
        standIn = null;

        assertThat(objects("orders/")).hasSize(2);
    }

    @Test
    void records_accepted_before_a_crash_are_delivered_by_the_next_process() throws Exception {
        createOrders(128, 900);
        firehose.putRecordBatch(b -> b.deliveryStreamName(ORDERS).records(
                order("{'order_id':'o-1','order_day':'2026-03-01'}"), order("{'order_id':'o-2','order_day':'2026-03-01'}"),
                order("{'order_id':'o-3','order_day':'2026-03-02'}")));
        standIn.crash();
        firehose.close();
        assertThat(objects("orders/")).isEmpty();
        try (var files = Files.walk(spool)) {
            // a write cut short by the crash: it was never acknowledged, so it is not delivered
            Files.writeString(files.filter(f -> f.toString().endsWith(".ndjson")).findFirst().orElseThrow(),
                    "{\"arrival\":1,\"da", java.nio.file.StandardOpenOption.APPEND);
        }

        open();
        createOrders(128, 900);

        assertThat(standIn.buffered()).isEqualTo(3);
        assertThat(log).anyMatch(line -> line.contains("3 records accepted before a restart are buffered again for orders"));
        standIn.flush();
        assertThat(objects("orders/")).extracting(S3Object::key).hasSize(2)
                .anyMatch(k -> k.startsWith("orders/order_day=2026-03-01/"))
                .anyMatch(k -> k.startsWith("orders/order_day=2026-03-02/"));
        try (var left = Files.walk(spool)) {
            assertThat(left.filter(Files::isRegularFile)).as("spool files are deleted once delivered").isEmpty();
        }
    }

    // ---------------------------------------------------------------- the test's delivery streams

    /** Orders by day: dynamic partitioning by JQ, Parquet with the Glue table's schema, errors by type and date. */
    private String createOrders(int sizeMb, int intervalSeconds) {
        return createOrders(sizeMb, intervalSeconds, d -> { });
    }

    private String createOrders(int sizeMb, int intervalSeconds, Consumer<ExtendedS3DestinationConfiguration.Builder> change) {
        return firehose.createDeliveryStream(b -> b.deliveryStreamName(ORDERS).deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> {
                    d.bucketARN("arn:aws:s3:::" + bucket).roleARN(ROLE)
                            .prefix("orders/order_day=!{partitionKeyFromQuery:order_day}/")
                            .errorOutputPrefix("errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/")
                            .bufferingHints(h -> h.sizeInMBs(sizeMb).intervalInSeconds(intervalSeconds))
                            .compressionFormat(CompressionFormat.UNCOMPRESSED)
                            .fileExtension(".parquet")
                            .dynamicPartitioningConfiguration(p -> p.enabled(true))
                            .processingConfiguration(metadataExtraction("{order_day:.order_day}"))
                            .dataFormatConversionConfiguration(c -> c.enabled(true)
                                    .schemaConfiguration(s -> s.databaseName("shop").tableName("orders").roleARN(ROLE)
                                            .region(LocalClients.REGION))
                                    .inputFormatConfiguration(i -> i.deserializer(s -> s.openXJsonSerDe(o -> { })))
                                    .outputFormatConfiguration(o -> o.serializer(s -> s.parquetSerDe(p -> { }))));
                    change.accept(d);
                })).deliveryStreamARN();
    }

    /** Clicks as they come: no partitioning, no conversion. */
    private String createClicks(int sizeMb, int intervalSeconds) {
        return firehose.createDeliveryStream(b -> b.deliveryStreamName(CLICKS)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket).roleARN(ROLE)
                        .prefix("clicks/")
                        .bufferingHints(h -> h.sizeInMBs(sizeMb).intervalInSeconds(intervalSeconds)))).deliveryStreamARN();
    }

    /** Clicks partitioned by user, without conversion. */
    private void createClicksByUser() {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(CLICKS)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket).roleARN(ROLE)
                        .prefix("clicks/user=!{partitionKeyFromQuery:user}/")
                        .errorOutputPrefix("errors/!{firehose:error-output-type}/")
                        .bufferingHints(h -> h.sizeInMBs(128).intervalInSeconds(900))
                        .dynamicPartitioningConfiguration(p -> p.enabled(true))
                        .processingConfiguration(metadataExtraction("{user:.user}"))));
    }

    /** Dynamic partitioning's MetadataExtraction processor with a JQ query. */
    private static ProcessingConfiguration metadataExtraction(String query) {
        return ProcessingConfiguration.builder().enabled(true).processors(Processor.builder()
                .type(ProcessorType.METADATA_EXTRACTION)
                .parameters(ProcessorParameter.builder().parameterName(ProcessorParameterName.METADATA_EXTRACTION_QUERY)
                                .parameterValue(query).build(),
                        ProcessorParameter.builder().parameterName(ProcessorParameterName.JSON_PARSING_ENGINE)
                                .parameterValue("JQ-1.6").build())
                .build()).build();
    }

    // ---------------------------------------------------------------- helpers

    private static Record record(byte[] data) {
        return Record.builder().data(SdkBytes.fromByteArray(data)).build();
    }

    private static List<Record> records(int count, int size) {
        var records = new ArrayList<Record>();
        for (int i = 0; i < count; i++) {
            records.add(record(new byte[size]));
        }
        return records;
    }

    /** An order as JSON, written with single quotes for readability. */
    private static Record order(String singleQuoted) {
        return record(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private List<S3Object> objects(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().toList();
    }

    /** The error documents, one JSON line each, of the error objects of one output type. */
    private List<JsonNode> errorDocuments(List<String> keys, String outputType) throws Exception {
        var documents = new ArrayList<JsonNode>();
        for (var key : keys.stream().filter(k -> k.contains("/" + outputType + "/")).toList()) {
            var text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            for (var line : text.split("\n")) {
                documents.add(json.readTree(line));
            }
        }
        return documents;
    }

    private static String rawData(JsonNode document) {
        return new String(Base64.getDecoder().decode(document.get("rawData").asText()), StandardCharsets.UTF_8);
    }

    /** Every row of a query, each value as DuckDB renders it as text. */
    private static List<List<String>> rows(java.sql.Statement statement, String sql) throws SQLException {
        var rows = new ArrayList<List<String>>();
        try (var results = statement.executeQuery(sql)) {
            int columns = results.getMetaData().getColumnCount();
            while (results.next()) {
                var row = new ArrayList<String>();
                for (int i = 1; i <= columns; i++) {
                    row.add(results.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
