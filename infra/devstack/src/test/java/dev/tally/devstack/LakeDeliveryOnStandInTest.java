package dev.tally.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.FirehoseSender;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeRow;
import dev.tally.analytics.LakeTable;
import dev.tally.contracts.DomainEvent;
import dev.tally.emulators.S3rver;
import dev.tally.standins.firehose.LocalFirehose;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lake writer's Firehose sender and the lake's delivery stream, as the dev stack creates it, against the Firehose
 * stand-in and a real s3rver: rows land as Parquet by event date, readable by the report engine; rows that do not
 * fit the Glue table go to the error output; a clean stop, a crash and the buffer interval lose nothing; and the
 * stream the dev stack creates meets Firehose's API limits.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LakeDeliveryOnStandInTest {

    private static final String ACCOUNT = "0a000000-0000-4000-8000-000000000001";
    private S3rver s3rver;
    private S3Client s3;
    private LocalFirehose standIn;
    private FirehoseClient firehose;
    private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    @TempDir
    Path spool;

    @BeforeEach
    void start() {
        s3rver = S3rver.start(0, Optional.empty(), List.of(DevLake.BUCKET));
        s3 = DevLake.s3Client(s3rver.endpoint());
        standIn = new LocalFirehose(0, s3, DevLake.glueCatalog(), DevStack.REGION, Clock.systemUTC(), Optional.of(spool), log::add);
        firehose = DevStack.client(FirehoseClient.builder(), standIn.endpoint());
    }

    @AfterEach
    void stop() {
        firehose.close();
        standIn.close();
        s3.close();
        s3rver.close();
    }

    private static byte[] row(long version, String at) {
        var event = new DomainEvent.BalanceCredited(DomainEvent.eventIdFor(ACCOUNT, version), ACCOUNT, version,
                Instant.parse(at), 100, 100 * version, null, null, null, null);
        return LakeRow.of(event).toJsonLine();
    }

    @Test
    void rows_land_as_parquet_under_their_event_date_with_firehose_key_names(@TempDir Path cache) {
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        var rows = new ArrayList<byte[]>();
        for (int v = 1; v <= 1200; v++) {
            rows.add(row(v, v <= 700 ? "2026-03-01T10:00:00Z" : "2026-03-02T10:00:00.123Z"));
        }
        standIn.rejectNext(7, "ServiceUnavailableException");
        new FirehoseSender(firehose, LakeDelivery.DELIVERY_STREAM, log::add).send(rows);
        assertThat(log).anyMatch(line -> line.contains("Firehose rejected 7 of 500 records"));
        assertThat(standIn.buffered()).as("a 900 s buffer holds them").isEqualTo(1200);
        assertThat(objects("events/")).isEmpty();

        standIn.flush();

        var keys = objects("events/").stream().map(S3Object::key).toList();
        assertThat(keys).hasSize(2).allMatch(key -> key.matches(
                "events/event_date=2026-03-0[12]/tally-lake-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.parquet"));
        new LakeCache(s3, DevLake.BUCKET, cache).sync();
        try (var engine = new DuckDbEngine(cache)) {
            var result = engine.query("SELECT event_date, count(*) AS n, count(DISTINCT version) AS versions, "
                    + "min(occurred_at) AS first FROM lake_events GROUP BY event_date ORDER BY event_date", List.of());
            assertThat(result.rows()).containsExactly(
                    List.of("2026-03-01", 700L, 700L, "2026-03-01 10:00:00.000"),
                    List.of("2026-03-02", 500L, 500L, "2026-03-02 10:00:00.123"));
        }
    }

    @Test
    void records_that_do_not_fit_the_schema_or_lack_the_partition_key_go_to_the_error_output() throws Exception {
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        var badAmount = "{\"event_id\":\"x\",\"account_id\":\"a\",\"version\":1,\"type\":\"BalanceCredited\",\"amount\":\"lots\","
                + "\"balance_after\":1,\"occurred_at\":\"2026-03-01 10:00:00.000\",\"event_date\":\"2026-03-01\"}";
        var noDate = "{\"event_id\":\"y\",\"version\":1}";
        var response = firehose.putRecordBatch(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).records(
                record(row(1, "2026-03-01T10:00:00Z")), record(badAmount.getBytes(StandardCharsets.UTF_8)),
                record(noDate.getBytes(StandardCharsets.UTF_8))));
        assertThat(response.failedPutCount()).isZero();
        standIn.flush();

        assertThat(objects("events/")).hasSize(1);
        var errors = objects("errors/");
        assertThat(errors).extracting(S3Object::key).hasSize(2)
                .anyMatch(k -> k.matches("errors/format-conversion-failed/\\d{4}/\\d{2}/\\d{2}/tally-lake-1-.*"))
                .anyMatch(k -> k.matches("errors/partitioning-failed/\\d{4}/\\d{2}/\\d{2}/tally-lake-1-.*"));
        var conversion = errors.stream().filter(o -> o.key().contains("format-conversion")).findFirst().orElseThrow();
        var document = new ObjectMapper().readTree(s3.getObjectAsBytes(b -> b.bucket(DevLake.BUCKET).key(conversion.key())).asByteArray());
        assertThat(document.get("lastErrorCode").asText()).isEqualTo("DataFormatConversion.MalformedData");
        assertThat(document.get("lastErrorMessage").asText()).contains("column amount (bigint)").contains("\"lots\"");
        assertThat(new String(Base64.getDecoder().decode(document.get("rawData").asText()), StandardCharsets.UTF_8)).isEqualTo(badAmount);
        assertThat(document.get("dataCatalogTable").get("tableName").asText()).isEqualTo(LakeTable.EVENTS);
    }

    @Test
    void closing_flushes_the_buffers_so_accepted_records_are_not_lost() {
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        firehose.putRecord(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).record(record(row(1, "2026-03-01T10:00:00Z"))));
        assertThat(objects("events/")).isEmpty();
        standIn.close();
        assertThat(objects("events/")).hasSize(1);
    }

    @Test
    void records_accepted_before_a_crash_are_delivered_by_the_next_process() throws Exception {
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        firehose.putRecordBatch(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).records(
                record(row(1, "2026-03-01T10:00:00Z")), record(row(2, "2026-03-01T11:00:00Z")),
                record(row(3, "2026-03-02T10:00:00Z"))));
        standIn.crash();
        firehose.close();
        assertThat(objects("events/")).isEmpty();

        standIn = new LocalFirehose(0, s3, DevLake.glueCatalog(), DevStack.REGION, Clock.systemUTC(), Optional.of(spool), log::add);
        firehose = DevStack.client(FirehoseClient.builder(), standIn.endpoint());
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        assertThat(standIn.buffered()).isEqualTo(3);
        assertThat(log).anyMatch(line -> line.contains("3 records accepted before a restart"));
        standIn.flush();

        assertThat(objects("events/")).extracting(S3Object::key)
                .hasSize(2).allMatch(k -> k.startsWith("events/event_date=2026-03-0"));
        try (var left = java.nio.file.Files.walk(spool)) {
            assertThat(left.filter(java.nio.file.Files::isRegularFile)).as("spool files are deleted once delivered").isEmpty();
        }
    }

    @Test
    void the_buffer_interval_delivers_without_a_flush() {
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(1));
        firehose.putRecord(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).record(record(row(1, "2026-03-01T10:00:00Z"))));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> objects("events/").size() == 1);
    }

    @Test
    void the_api_limits_and_errors_are_those_of_firehose() {
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("nope").record(record(row(1, "2026-03-01T10:00:00Z")))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nope");
        DevLake.createDeliveryStream(firehose, DevLake.BUCKET, Duration.ofSeconds(900));
        assertThat(firehose.describeDeliveryStream(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM))
                .deliveryStreamDescription().deliveryStreamStatusAsString()).isEqualTo("ACTIVE");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + DevLake.BUCKET))))
                .isInstanceOf(ResourceInUseException.class);

        var tooMany = new ArrayList<Record>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(record(row(1, "2026-03-01T10:00:00Z")));
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).records(tooMany)))
                .hasMessageContaining("500");
        var big = new ArrayList<Record>();
        for (int i = 0; i < 5; i++) {
            big.add(record(new byte[1000 * 1024]));
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM).records(big)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("4 MiB");
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName(LakeDelivery.DELIVERY_STREAM)
                .record(record(new byte[1000 * 1024 + 1])))).hasMessageContaining("1024000");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("other")
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + DevLake.BUCKET)
                        .bufferingHints(h -> h.sizeInMBs(129).intervalInSeconds(60)))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("SizeInMBs must be 1 to 128, was 129");
    }

    private static Record record(byte[] data) {
        return Record.builder().data(SdkBytes.fromByteArray(data)).build();
    }

    private List<S3Object> objects(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(DevLake.BUCKET).prefix(prefix)).contents().stream().toList();
    }
}
