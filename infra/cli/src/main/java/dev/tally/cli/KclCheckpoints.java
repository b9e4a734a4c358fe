package dev.tally.cli;

import dev.tally.subscriptions.KclLeaseTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.util.LinkedHashMap;
import java.util.Map;

/** A KCL application's checkpoints, read from its lease table. */
final class KclCheckpoints {

    private KclCheckpoints() {
    }

    /**
     * The sequence number each shard is checkpointed at, or {@code SHARD_END} for a shard read to its end; a shard
     * whose lease holds no sequence number yet (KCL's TRIM_HORIZON, AT_TIMESTAMP or LATEST sentinels) or has none is
     * left out. Empty without a lease table.
     */
    static Map<String, String> of(DynamoDbClient dynamo, String application) {
        var checkpoints = new LinkedHashMap<String, String>();
        try {
            for (var lease : dynamo.scan(b -> b.tableName(application).consistentRead(true)).items()) {
                var key = lease.get(KclLeaseTable.LEASE_KEY);
                var checkpoint = lease.get(KclLeaseTable.CHECKPOINT);
                if (key != null && key.s() != null && key.s().startsWith("shardId-") && checkpoint != null && checkpoint.s() != null
                        && (checkpoint.s().chars().allMatch(Character::isDigit) || checkpoint.s().equals(KclLeaseTable.SHARD_END))) {
                    checkpoints.put(key.s(), checkpoint.s());
                }
            }
        } catch (ResourceNotFoundException e) {
            // no worker has started yet
        }
        return checkpoints;
    }
}
