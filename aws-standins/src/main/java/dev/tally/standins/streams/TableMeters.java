package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** The proxy's running {@link TableMetrics}, per table, updated by many request threads at once. */
final class TableMeters {

    private static final class Meter {
        final LongAdder returnedItems = new LongAdder();
        final DoubleAdder readUnits = new DoubleAdder();
        final DoubleAdder writeUnits = new DoubleAdder();
        final LongAdder conditionalCheckFailures = new LongAdder();

        TableMetrics read() {
            return new TableMetrics(returnedItems.sum(), readUnits.sum(), writeUnits.sum(), conditionalCheckFailures.sum());
        }
    }

    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    private Meter of(String table) {
        return meters.computeIfAbsent(table, t -> new Meter());
    }

    void returnedItems(String table, long count) {
        of(table).returnedItems.add(count);
    }

    void conditionalCheckFailed(String table) {
        of(table).conditionalCheckFailures.increment();
    }

    /**
     * Adds a {@code ConsumedCapacity} answer: one object, or an array of them (the batch operations).
     *
     * @param write whether it answers a write, whose bare {@code CapacityUnits} are then write units
     */
    void consumed(JsonNode consumedCapacity, boolean write) {
        if (consumedCapacity.isArray()) {
            consumedCapacity.forEach(each -> consumed(each, write));
            return;
        }
        var table = consumedCapacity.path("TableName").asText(null);
        if (table == null) {
            return;
        }
        var meter = of(table);
        // dynalite answers CapacityUnits alone; AWS adds the read and write split, which wins when present
        if (consumedCapacity.has("ReadCapacityUnits") || consumedCapacity.has("WriteCapacityUnits")) {
            meter.readUnits.add(consumedCapacity.path("ReadCapacityUnits").asDouble(0));
            meter.writeUnits.add(consumedCapacity.path("WriteCapacityUnits").asDouble(0));
        } else if (consumedCapacity.has("CapacityUnits")) {
            (write ? meter.writeUnits : meter.readUnits)
                    .add(consumedCapacity.path("CapacityUnits").asDouble(0));
        }
    }

    TableMetrics get(String table) {
        var meter = meters.get(table);
        return meter == null ? TableMetrics.NONE : meter.read();
    }

    Map<String, TableMetrics> all() {
        var all = new TreeMap<String, TableMetrics>();
        meters.forEach((table, meter) -> all.put(table, meter.read()));
        return all;
    }
}
