package dev.tally.eventstore;

import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Rejection;
import dev.tally.eventstore.IdempotencyRecord.Outcome;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.tally.eventstore.IdempotencyTable.ACCOUNT_ID;
import static dev.tally.eventstore.IdempotencyTable.CREATED_AT;
import static dev.tally.eventstore.IdempotencyTable.EXPIRES_AT;
import static dev.tally.eventstore.IdempotencyTable.FINGERPRINT;
import static dev.tally.eventstore.IdempotencyTable.FROM_VERSION;
import static dev.tally.eventstore.IdempotencyTable.KEY;
import static dev.tally.eventstore.IdempotencyTable.OUTCOME;
import static dev.tally.eventstore.IdempotencyTable.OUTCOME_BALANCE_MINOR;
import static dev.tally.eventstore.IdempotencyTable.OUTCOME_VERSION;
import static dev.tally.eventstore.IdempotencyTable.REJECTION_MESSAGE;
import static dev.tally.eventstore.IdempotencyTable.REJECTION_REASON;

/** Idempotency claims in their own DynamoDB table (see {@link IdempotencyTable}). */
public final class DynamoIdempotencyStore implements IdempotencyStore {

    private static final String APPLIED = "Applied";
    private static final String REFUSED = "Refused";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public DynamoIdempotencyStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    @Override
    public Optional<IdempotencyRecord> claim(IdempotencyRecord fresh, Instant now) {
        var item = new HashMap<String, AttributeValue>();
        item.put(KEY, s(fresh.key()));
        item.put(FINGERPRINT, s(fresh.fingerprint()));
        item.put(ACCOUNT_ID, s(fresh.accountId().toString()));
        item.put(FROM_VERSION, n(fresh.fromVersion()));
        item.put(CREATED_AT, s(fresh.createdAt().toString()));
        item.put(EXPIRES_AT, n(fresh.expiresAt().getEpochSecond()));
        try {
            // DynamoDB's TTL deletes expired items only eventually (and dynalite never), so an expired claim
            // counts as free.
            dynamo.putItem(b -> b.tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(#key) OR #expires <= :now")
                    .expressionAttributeNames(Map.of("#key", KEY, "#expires", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException taken) {
            var existing = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true)
                    .key(Map.of(KEY, s(fresh.key())))).item();
            if (existing == null || existing.isEmpty()) {
                // It expired and was deleted between our put and our read: try again.
                return claim(fresh, now);
            }
            // An earlier attempt of this put may have landed with its answer lost (RetriedWrites): the claim standing
            // is then this very one, and the request goes on rather than being told its own key is in progress. Only
            // after a retry, so that two requests making identical claims (the same clock instant) stay apart.
            if (RetriedWrites.mayHaveRefusedItself(taken) && existing.equals(item)) {
                return Optional.empty();
            }
            return Optional.of(decode(existing));
        }
    }

    @Override
    public void complete(String key, Outcome outcome) {
        var values = new HashMap<String, AttributeValue>();
        var names = new HashMap<String, String>();
        names.put("#key", KEY);
        names.put("#outcome", OUTCOME);
        String update;
        String condition = "attribute_exists(#key)";
        switch (outcome) {
            case Outcome.Applied applied -> {
                update = "SET #outcome = :outcome, #version = :version, #balance = :balance";
                names.put("#version", OUTCOME_VERSION);
                names.put("#balance", OUTCOME_BALANCE_MINOR);
                values.put(":outcome", s(APPLIED));
                values.put(":version", n(applied.version()));
                values.put(":balance", n(applied.balance().minorUnits()));
            }
            case Outcome.Refused refused -> {
                update = "SET #outcome = :outcome, #reason = :reason, #message = :message";
                names.put("#reason", REJECTION_REASON);
                names.put("#message", REJECTION_MESSAGE);
                values.put(":outcome", s(REFUSED));
                values.put(":reason", s(refused.rejection().reason().name()));
                values.put(":message", s(refused.rejection().message()));
                condition = "attribute_exists(#key) AND attribute_not_exists(#outcome)";
            }
        }
        var onlyIf = condition;
        try {
            dynamo.updateItem(b -> b.tableName(tableName).key(Map.of(KEY, s(key)))
                    .updateExpression(update)
                    .conditionExpression(onlyIf)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException alreadyDecided) {
            // an outcome was recorded first (or the claim expired and vanished); the first one stands
        }
    }

    private static IdempotencyRecord decode(Map<String, AttributeValue> item) {
        Optional<Outcome> outcome = switch (item.containsKey(OUTCOME) ? item.get(OUTCOME).s() : "") {
            case APPLIED -> Optional.of(new Outcome.Applied(
                    Long.parseLong(item.get(OUTCOME_VERSION).n()),
                    Money.ofMinor(Long.parseLong(item.get(OUTCOME_BALANCE_MINOR).n()))));
            case REFUSED -> Optional.of(new Outcome.Refused(new Rejection(
                    Rejection.Reason.valueOf(item.get(REJECTION_REASON).s()), item.get(REJECTION_MESSAGE).s())));
            default -> Optional.empty();
        };
        return new IdempotencyRecord(
                item.get(KEY).s(),
                item.get(FINGERPRINT).s(),
                AccountId.parse(item.get(ACCOUNT_ID).s()),
                Long.parseLong(item.get(FROM_VERSION).n()),
                Instant.parse(item.get(CREATED_AT).s()),
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())),
                outcome);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
