package dev.tally.subscriptions;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.tally.subscriptions.DeadLetterTable.ARRIVED_AT;
import static dev.tally.subscriptions.DeadLetterTable.ATTEMPTS;
import static dev.tally.subscriptions.DeadLetterTable.DATA;
import static dev.tally.subscriptions.DeadLetterTable.KIND;
import static dev.tally.subscriptions.DeadLetterTable.PARKED_AT;
import static dev.tally.subscriptions.DeadLetterTable.PARTITION_KEY;
import static dev.tally.subscriptions.DeadLetterTable.POSITION;
import static dev.tally.subscriptions.DeadLetterTable.REASON;
import static dev.tally.subscriptions.DeadLetterTable.SEQUENCE_NUMBER;
import static dev.tally.subscriptions.DeadLetterTable.SHARD_ID;
import static dev.tally.subscriptions.DeadLetterTable.SUBSCRIPTION;

/** Dead letters in a {@link DeadLetterTable}. */
public final class DynamoDeadLetterStore implements DeadLetterStore {

    /** Room under DynamoDB's 400 KB item limit for the other attributes. */
    static final int MAX_STORED_DATA_BYTES = 350 * 1024;
    /** A reason is cut to this many characters, so that no message can push an item over DynamoDB's limit. */
    static final int MAX_REASON_CHARS = 4096;

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoDeadLetterStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    @Override
    public void park(DeadLetter deadLetter) {
        var record = deadLetter.record();
        var item = new HashMap<String, AttributeValue>();
        item.put(SUBSCRIPTION, AttributeValue.fromS(deadLetter.subscription()));
        item.put(POSITION, AttributeValue.fromS(record.position()));
        item.put(SHARD_ID, AttributeValue.fromS(record.shardId()));
        item.put(SEQUENCE_NUMBER, AttributeValue.fromS(record.sequenceNumber()));
        item.put(PARTITION_KEY, AttributeValue.fromS(record.partitionKey()));
        item.put(ARRIVED_AT, AttributeValue.fromS(record.arrivedAt().toString()));
        item.put(KIND, AttributeValue.fromS(deadLetter.kind().name()));
        item.put(ATTEMPTS, AttributeValue.fromN(Integer.toString(deadLetter.attempts())));
        item.put(PARKED_AT, AttributeValue.fromS(deadLetter.parkedAt().toString()));
        var reason = deadLetter.reason();
        if (record.data().length <= MAX_STORED_DATA_BYTES) {
            item.put(DATA, AttributeValue.fromB(SdkBytes.fromByteArray(record.data())));
        } else {
            reason += " (the record's " + record.data().length + " bytes are too many to keep here; read it from "
                    + "the stream at " + record.position() + " while it is retained)";
        }
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "... (cut at " + MAX_REASON_CHARS + " characters)";
        }
        item.put(REASON, AttributeValue.fromS(reason));
        dynamo.putItem(b -> b.tableName(tableName).item(item));
    }

    @Override
    public void redriven(DeadLetter letter, java.time.Instant at) {
        var record = letter.record();
        var kept = new HashMap<>(dynamo.getItem(b -> b.tableName(tableName).consistentRead(true).key(Map.of(
                SUBSCRIPTION, AttributeValue.fromS(letter.subscription()),
                POSITION, AttributeValue.fromS(record.position())))).item());
        if (kept.isEmpty()) {
            return; // redriven already
        }
        kept.put(SUBSCRIPTION, AttributeValue.fromS(letter.subscription() + DeadLetterTable.REDRIVEN_SUFFIX));
        kept.put(DeadLetterTable.REDRIVEN_AT, AttributeValue.fromS(at.toString()));
        dynamo.putItem(b -> b.tableName(tableName).item(kept));
        dynamo.deleteItem(b -> b.tableName(tableName).key(Map.of(
                SUBSCRIPTION, AttributeValue.fromS(letter.subscription()),
                POSITION, AttributeValue.fromS(record.position()))));
    }

    @Override
    public List<DeadLetter> redriven(String subscription) {
        return list(subscription + DeadLetterTable.REDRIVEN_SUFFIX).stream()
                .map(d -> new DeadLetter(subscription, d.record(), d.kind(), d.reason(), d.attempts(), d.parkedAt()))
                .toList();
    }

    @Override
    public long count(String subscription) {
        long count = 0;
        for (var page : dynamo.queryPaginator(b -> b.tableName(tableName).consistentRead(true)
                .select(Select.COUNT)
                .keyConditionExpression("#s = :s")
                .expressionAttributeNames(Map.of("#s", SUBSCRIPTION))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(subscription))))) {
            count += page.count();
        }
        return count;
    }

    @Override
    public List<DeadLetter> list(String subscription) {
        var found = new ArrayList<DeadLetter>();
        dynamo.queryPaginator(b -> b.tableName(tableName).consistentRead(true)
                        .keyConditionExpression("#s = :s")
                        .expressionAttributeNames(Map.of("#s", SUBSCRIPTION))
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(subscription))))
                .items().forEach(item -> found.add(decode(item)));
        found.sort(Comparator.comparing((DeadLetter d) -> d.record().shardId())
                .thenComparing(d -> d.record().sequenceNumber(), DeadLetterTable.SEQUENCE_ORDER));
        return found;
    }

    private static DeadLetter decode(Map<String, AttributeValue> item) {
        var data = item.get(DATA);
        var record = new StreamRecord(item.get(SHARD_ID).s(), item.get(SEQUENCE_NUMBER).s(), item.get(PARTITION_KEY).s(),
                data == null ? new byte[0] : data.b().asByteArray(), Instant.parse(item.get(ARRIVED_AT).s()));
        return new DeadLetter(item.get(SUBSCRIPTION).s(), record, DeadLetter.Kind.valueOf(item.get(KIND).s()),
                item.get(REASON).s(), Integer.parseInt(item.get(ATTEMPTS).n()), Instant.parse(item.get(PARKED_AT).s()));
    }
}
