package dev.tally.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A batch API's per-call limits, by record count and by bytes (Kinesis PutRecords: 500 records and 5 MiB; Firehose
 * PutRecordBatch: 500 records and 4 MiB), and the split of a list into consecutive calls within them.
 */
public record BatchLimits(int maxRecords, long maxBytes) {

    public BatchLimits {
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be positive, were " + maxRecords + " records and " + maxBytes + " bytes");
        }
    }

    /**
     * Consecutive slices of {@code items}, in order, each within the limits. A single item bigger than
     * {@link #maxBytes()} gets a slice of its own (the API then refuses it, by name, rather than this losing it).
     *
     * @param size what an item counts against {@link #maxBytes()}
     */
    public <T> List<List<T>> split(List<T> items, ToLongFunction<? super T> size) {
        var slices = new ArrayList<List<T>>();
        var current = new ArrayList<T>();
        long bytes = 0;
        for (var item : items) {
            long itemSize = size.applyAsLong(item);
            if (!current.isEmpty() && (current.size() == maxRecords || bytes + itemSize > maxBytes)) {
                slices.add(List.copyOf(current));
                current.clear();
                bytes = 0;
            }
            current.add(item);
            bytes += itemSize;
        }
        if (!current.isEmpty()) {
            slices.add(List.copyOf(current));
        }
        return slices;
    }
}
