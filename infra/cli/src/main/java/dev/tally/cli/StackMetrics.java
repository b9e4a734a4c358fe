package dev.tally.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ./tally up} measures that another {@code ./tally} process shows: the items Query and Scan calls
 * through the DynamoDB endpoint returned per table (CloudWatch's {@code ReturnedItemCount}, summed since the stack
 * started), written every second to .tally/stack-metrics.json and read by {@code ./tally status}.
 */
final class StackMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETURNED_ITEM_COUNT = "ReturnedItemCount";

    private StackMetrics() {
    }

    static Path file() {
        return TallyCli.home().resolve(".tally/stack-metrics.json");
    }

    static void write(Map<String, Long> returnedItemCounts) {
        var document = JSON.createObjectNode();
        var counts = document.putObject(RETURNED_ITEM_COUNT);
        returnedItemCounts.forEach(counts::put);
        var temp = file().resolveSibling(file().getFileName() + ".tmp");
        try {
            JSON.writeValue(temp.toFile(), document);
            Files.move(temp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // a convenience for ./tally status; the stack keeps running without it
        }
    }

    /** The counts the running stack last wrote, or empty if it wrote none. */
    static Map<String, Long> returnedItemCounts() throws IOException {
        var counts = new LinkedHashMap<String, Long>();
        if (Files.exists(file())) {
            var document = (ObjectNode) JSON.readTree(file().toFile());
            document.path(RETURNED_ITEM_COUNT).properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        }
        return counts;
    }
}
