package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * A table with its stream enabled, and the one shard of its stream (AWS has one per partition and rolls them
 * over; a consumer written for AWS handles any number).
 *
 * @param keySchema the table's {@code KeySchema}, as DescribeStream returns it
 * @param keyNames  the key attributes, for a record's {@code Keys}
 */
record StreamedTable(String tableName, String streamArn, String label, String viewType, List<String> keyNames,
                     JsonNode keySchema, Instant createdAt) {

    String shardId() {
        return "shardId-" + String.format("%020d", createdAt.toEpochMilli()) + "-00000001";
    }

    boolean recordsNewImage() {
        return viewType.equals("NEW_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
    }

    boolean recordsOldImage() {
        return viewType.equals("OLD_IMAGE") || viewType.equals("NEW_AND_OLD_IMAGES");
    }
}
