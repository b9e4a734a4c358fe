package dev.tally.standins.streams;

import dev.tally.emulators.Dynalite;
import dev.tally.standins.LocalClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stand-in, driven by the real DynamoDbClient and DynamoDbStreamsClient, in front of a real dynalite. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DynamoDbStreamsStandInTest {

    @TempDir
    Path data;

    private Dynalite dynalite;
    private DynamoDbStreamsStandIn standIn;
    private DynamoDbClient dynamo;
    private DynamoDbStreamsClient streams;

    @BeforeEach
    void start() {
        dynalite = Dynalite.inMemory();
        open();
    }

    private void open() {
        standIn = new DynamoDbStreamsStandIn(dynalite.endpoint(), 0, LocalClients.REGION, Clock.systemUTC(), Optional.of(data));
        dynamo = LocalClients.client(DynamoDbClient.builder(), standIn.endpoint());
        streams = LocalClients.client(DynamoDbStreamsClient.builder(), standIn.endpoint());
    }

    private void shut() {
        streams.close();
        dynamo.close();
        standIn.close();
    }

    @AfterEach
    void stop() {
        shut();
        dynalite.close();
    }

    private String createTable(String name, StreamViewType viewType) {
        var response = dynamo.createTable(b -> b.tableName(name)
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("Id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("Id").keyType(KeyType.HASH).build())
                .streamSpecification(s -> s.streamEnabled(viewType != null).streamViewType(viewType)));
        return response.tableDescription().latestStreamArn();
    }

    private static Map<String, AttributeValue> item(String id, String value) {
        return Map.of("Id", AttributeValue.fromS(id), "Value", AttributeValue.fromS(value));
    }

    private List<Record> read(String arn, ShardIteratorType type, String sequence) {
        var shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().getFirst().shardId();
        var iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard).shardIteratorType(type).sequenceNumber(sequence))
                .shardIterator();
        return streams.getRecords(b -> b.shardIterator(iterator)).records();
    }

    @Test
    void items_returned_by_query_and_scan_are_counted_per_table_like_the_returned_item_count_metric() {
        createTable("counted", StreamViewType.NEW_IMAGE);
        createTable("other", null);
        for (var id : List.of("a", "b", "c")) {
            dynamo.putItem(b -> b.tableName("counted").item(item(id, "1")));
        }
        dynamo.putItem(b -> b.tableName("other").item(item("z", "1")));

        dynamo.query(b -> b.tableName("counted").keyConditionExpression("Id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS("b"))));
        dynamo.scan(b -> b.tableName("counted").limit(2));
        dynamo.getItem(b -> b.tableName("counted").key(Map.of("Id", AttributeValue.fromS("a"))));
        dynamo.scan(b -> b.tableName("other"));

        assertThat(standIn.returnedItemCount("counted")).as("1 from the query, 2 from the scan; GetItem is not counted").isEqualTo(3);
        assertThat(standIn.returnedItemCount("other")).isEqualTo(1);
        assertThat(standIn.returnedItemCount("unknown")).isZero();
    }

    @Test
    void reads_are_metered_whether_or_not_the_client_asked_for_its_consumed_capacity_which_it_sees_only_if_it_did() {
        createTable("read", StreamViewType.NEW_IMAGE);
        dynamo.putItem(b -> b.tableName("read").item(item("a", "1")));
        var before = standIn.tableMetrics("read");

        var unasked = dynamo.query(b -> b.tableName("read").keyConditionExpression("Id = :id").consistentRead(true)
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS("a"))));
        var asked = dynamo.query(b -> b.tableName("read").keyConditionExpression("Id = :id").consistentRead(true)
                .returnConsumedCapacity("TOTAL").expressionAttributeValues(Map.of(":id", AttributeValue.fromS("a"))));

        assertThat(unasked.consumedCapacity()).isNull();
        assertThat(unasked.items()).containsExactly(item("a", "1"));
        assertThat(unasked.count()).isEqualTo(1);
        assertThat(asked.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        assertThat(asked.items()).isEqualTo(unasked.items());
        var spent = standIn.tableMetrics("read").minus(before);
        assertThat(spent.consumedReadCapacityUnits()).as("1 RCU each").isEqualTo(2.0);
        assertThat(spent.returnedItemCount()).isEqualTo(2);
    }

    /**
     * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html">DynamoDB Streams</a>:
     * a shard's records are in the order the writes happened. Racing writers each put the next range key of one
     * partition key, conditionally, as an event store appends versions; the records must come out in version order.
     */
    @Test
    void racing_writes_to_one_partition_key_are_recorded_in_the_order_they_were_applied() throws Exception {
        dynamo.createTable(b -> b.tableName("versions").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("Id").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("Version").attributeType(ScalarAttributeType.N).build())
                .keySchema(KeySchemaElement.builder().attributeName("Id").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("Version").keyType(KeyType.RANGE).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY)));
        var arn = dynamo.describeTable(b -> b.tableName("versions")).table().latestStreamArn();
        int target = 150;
        var written = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    while (written.get() < target) {
                        var newest = dynamo.query(b -> b.tableName("versions").keyConditionExpression("Id = :id")
                                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS("a")))
                                .scanIndexForward(false).limit(1).consistentRead(true)).items();
                        long next = newest.isEmpty() ? 1 : Long.parseLong(newest.getFirst().get("Version").n()) + 1;
                        try {
                            dynamo.putItem(b -> b.tableName("versions").item(Map.of("Id", AttributeValue.fromS("a"),
                                    "Version", AttributeValue.fromN(Long.toString(next))))
                                    .conditionExpression("attribute_not_exists(Version)"));
                            written.incrementAndGet();
                        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException lost) {
                            // another writer took this version; read again
                        }
                    }
                    return null;
                });
            }
        }
        var versions = new java.util.ArrayList<Long>();
        var shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().getFirst().shardId();
        var iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        while (iterator != null) {
            var current = iterator;
            var page = streams.getRecords(b -> b.shardIterator(current).limit(1000));
            page.records().forEach(r -> versions.add(Long.parseLong(r.dynamodb().keys().get("Version").n())));
            iterator = page.records().isEmpty() ? null : page.nextShardIterator();
        }
        assertThat(versions).hasSize(written.get()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void a_table_created_with_a_stream_describes_it() {
        var arn = createTable("table1", StreamViewType.NEW_AND_OLD_IMAGES);

        var table = dynamo.describeTable(b -> b.tableName("table1")).table();
        assertThat(arn).startsWith("arn:aws:dynamodb:us-east-1:000000000000:table/table1/stream/");
        assertThat(table.latestStreamArn()).isEqualTo(arn);
        assertThat(table.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(streams.listStreams(b -> b.tableName("table1")).streams()).singleElement()
                .satisfies(s -> assertThat(s.streamArn()).isEqualTo(arn));
    }

    @Test
    void puts_updates_and_deletes_become_insert_modify_and_remove_records_with_their_images() {
        var arn = createTable("table2", StreamViewType.NEW_AND_OLD_IMAGES);

        dynamo.putItem(b -> b.tableName("table2").item(item("a", "1")));
        dynamo.updateItem(b -> b.tableName("table2").key(Map.of("Id", AttributeValue.fromS("a")))
                .updateExpression("SET #v = :v").expressionAttributeNames(Map.of("#v", "Value"))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("2"))));
        dynamo.deleteItem(b -> b.tableName("table2").key(Map.of("Id", AttributeValue.fromS("a"))));

        var records = read(arn, ShardIteratorType.TRIM_HORIZON, null);
        assertThat(records).extracting(Record::eventName)
                .containsExactly(OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE);
        assertThat(records.get(0).dynamodb().newImage()).isEqualTo(item("a", "1"));
        assertThat(records.get(0).dynamodb().hasOldImage()).isFalse();
        assertThat(records.get(1).dynamodb().oldImage()).isEqualTo(item("a", "1"));
        assertThat(records.get(1).dynamodb().newImage()).isEqualTo(item("a", "2"));
        assertThat(records.get(2).dynamodb().oldImage()).isEqualTo(item("a", "2"));
        assertThat(records.get(2).dynamodb().keys()).isEqualTo(Map.of("Id", AttributeValue.fromS("a")));
        assertThat(records).allSatisfy(r -> {
            assertThat(r.eventSource()).isEqualTo("aws:dynamodb");
            assertThat(r.awsRegion()).isEqualTo("us-east-1");
            assertThat(r.eventVersion()).isEqualTo("1.1");
            assertThat(r.dynamodb().approximateCreationDateTime()).isNotNull();
            assertThat(r.dynamodb().sizeBytes()).isPositive();
        });
        assertThat(records).extracting(r -> r.dynamodb().sequenceNumber()).isSorted();
    }

    @Test
    void the_client_gets_the_return_values_it_asked_for() {
        createTable("table3", StreamViewType.NEW_IMAGE);
        dynamo.putItem(b -> b.tableName("table3").item(item("a", "1")));

        var none = dynamo.putItem(b -> b.tableName("table3").item(item("a", "2")));
        var old = dynamo.putItem(b -> b.tableName("table3").item(item("a", "3")).returnValues(ReturnValue.ALL_OLD));
        var updatedNew = dynamo.updateItem(b -> b.tableName("table3").key(Map.of("Id", AttributeValue.fromS("a")))
                .updateExpression("SET #e = :e").expressionAttributeNames(Map.of("#e", "Extra"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("x")))
                .returnValues(ReturnValue.UPDATED_NEW));

        assertThat(none.hasAttributes()).isFalse();
        assertThat(old.attributes()).isEqualTo(item("a", "2"));
        assertThat(updatedNew.attributes()).isEqualTo(Map.of("Extra", AttributeValue.fromS("x")));
    }

    @Test
    void a_new_image_stream_carries_no_old_image_and_a_failed_conditional_write_records_nothing() {
        var arn = createTable("table4", StreamViewType.NEW_IMAGE);
        dynamo.putItem(b -> b.tableName("table4").item(item("a", "1")));

        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName("table4").item(item("a", "2"))
                .conditionExpression("attribute_not_exists(Id)")))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.class);

        var records = read(arn, ShardIteratorType.TRIM_HORIZON, null);
        assertThat(records).hasSize(1);
        assertThat(records.getFirst().dynamodb().hasOldImage()).isFalse();
        assertThat(records.getFirst().dynamodb().streamViewType()).isEqualTo(StreamViewType.NEW_IMAGE);
    }

    @Test
    void iterators_start_where_asked() {
        var arn = createTable("table5", StreamViewType.NEW_IMAGE);
        for (int i = 1; i <= 3; i++) {
            var value = Integer.toString(i);
            dynamo.putItem(b -> b.tableName("table5").item(item("k" + value, value)));
        }
        var all = read(arn, ShardIteratorType.TRIM_HORIZON, null);
        var second = all.get(1).dynamodb().sequenceNumber();

        assertThat(read(arn, ShardIteratorType.AT_SEQUENCE_NUMBER, second)).hasSize(2);
        assertThat(read(arn, ShardIteratorType.AFTER_SEQUENCE_NUMBER, second)).hasSize(1);
        assertThat(read(arn, ShardIteratorType.LATEST, null)).isEmpty();
    }

    @Test
    void batch_writes_to_a_streamed_table_are_recorded_and_other_tables_are_untouched() {
        var arn = createTable("table6", StreamViewType.NEW_IMAGE);
        createTable("plain", null);

        dynamo.batchWriteItem(b -> b.requestItems(Map.of("table6", List.of(
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("a", "1")).build()).build(),
                WriteRequest.builder().putRequest(PutRequest.builder().item(item("b", "2")).build()).build()))));
        dynamo.putItem(b -> b.tableName("plain").item(item("c", "3")));

        assertThat(read(arn, ShardIteratorType.TRIM_HORIZON, null)).hasSize(2);
        assertThat(dynamo.describeTable(b -> b.tableName("plain")).table().latestStreamArn()).isNull();
        assertThat(dynamo.getItem(b -> b.tableName("table6").key(Map.of("Id", AttributeValue.fromS("b")))).item())
                .isEqualTo(item("b", "2"));
    }

    @Test
    void stream_records_survive_a_restart_with_the_same_data_folder() {
        var arn = createTable("table7", StreamViewType.NEW_IMAGE);
        dynamo.putItem(b -> b.tableName("table7").item(item("a", "1")));

        shut();
        open();
        dynamo.putItem(b -> b.tableName("table7").item(item("b", "2")));

        var records = read(arn, ShardIteratorType.TRIM_HORIZON, null);
        assertThat(records).extracting(r -> r.dynamodb().keys().get("Id").s()).containsExactly("a", "b");
        assertThat(records).extracting(r -> r.dynamodb().sequenceNumber()).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void the_apis_refuse_what_dynamodb_refuses_with_its_validation_errors() {
        var arn = createTable("table8", StreamViewType.NEW_IMAGE);
        var shard = streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards().getFirst().shardId();
        var iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();

        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(iterator).limit(1001)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.statusCode()).isEqualTo(400);
                })
                .hasMessageContaining("Limit must be between 1 and 1000");
        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator("not-an-iterator")))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn).shardId("shardId-nope")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class)
                .hasMessageContaining("shardId-nope");
        assertThatThrownBy(() -> dynamo.createTable(b -> b.tableName("table9")
                .billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("Id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("Id").keyType(KeyType.HASH).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("EVERYTHING"))))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("EVERYTHING");
        assertThat(streams.listStreams(b -> b.tableName("table9")).streams()).as("a refused table has no stream").isEmpty();
    }

    @Test
    void an_unknown_stream_is_a_resource_not_found_error() {
        assertThatThrownBy(() -> streams.describeStream(b -> b.streamArn("arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y")))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }
}
