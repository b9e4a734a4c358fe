package dev.tally.subscriptions;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.Map;
import java.util.Optional;

import static dev.tally.subscriptions.PositionTable.ACCOUNT_ID;
import static dev.tally.subscriptions.PositionTable.HELD_BEHIND;
import static dev.tally.subscriptions.PositionTable.HELD_VERSION;
import static dev.tally.subscriptions.PositionTable.VERSION;

/** Positions in a {@link PositionTable}: strongly consistent reads, and conditional updates. */
public final class DynamoPositionStore implements PositionStore {

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoPositionStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    @Override
    public Position position(String accountId) {
        var item = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true).key(key(accountId))).item();
        if (item == null || item.isEmpty()) {
            return Position.NONE;
        }
        var version = item.get(VERSION);
        var held = item.get(HELD_BEHIND);
        var heldVersion = item.get(HELD_VERSION);
        // the version is kept as "position version" beside the position, and trusted only with the same position:
        // a hold written without it (before versions were kept) is released by position alone
        long heldAt = 0;
        if (held != null && heldVersion != null && heldVersion.s() != null) {
            var parts = heldVersion.s().split(" ", 2);
            if (parts.length == 2 && parts[0].equals(held.s())) {
                heldAt = Long.parseLong(parts[1]);
            }
        }
        return new Position(version == null ? 0 : Long.parseLong(version.n()), held == null ? Optional.empty()
                : Optional.of(new Hold(held.s(), heldAt)));
    }

    @Override
    public boolean advance(String accountId, long expected, long version) {
        var condition = expected == 0 ? "attribute_not_exists(#v) OR #v = :expected" : "#v = :expected";
        try {
            dynamo.updateItem(b -> b.tableName(tableName).key(key(accountId))
                    .updateExpression("SET #v = :version")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(
                            ":version", AttributeValue.fromN(Long.toString(version)),
                            ":expected", AttributeValue.fromN(Long.toString(expected)))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    @Override
    public void hold(String accountId, String parkedAt, long version) {
        dynamo.updateItem(b -> b.tableName(tableName).key(key(accountId))
                .updateExpression("SET #h = :h, #hv = :hv")
                .expressionAttributeNames(Map.of("#h", HELD_BEHIND, "#hv", HELD_VERSION))
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(parkedAt),
                        ":hv", AttributeValue.fromS(parkedAt + " " + version))));
    }

    @Override
    public void release(String accountId, Hold handled) {
        try {
            dynamo.updateItem(b -> b.tableName(tableName).key(key(accountId))
                    .updateExpression("REMOVE #h, #hv")
                    .conditionExpression("#h = :h")
                    .expressionAttributeNames(Map.of("#h", HELD_BEHIND, "#hv", HELD_VERSION))
                    .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(handled.parkedAt()))));
        } catch (ConditionalCheckFailedException notHeldThere) {
            // released already, or held behind another event since
        }
    }

    private static Map<String, AttributeValue> key(String accountId) {
        return Map.of(ACCOUNT_ID, AttributeValue.fromS(accountId));
    }
}
