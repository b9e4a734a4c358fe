package dev.tally.observability;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.MapMessage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A unit of work's metrics, written as one CloudWatch Embedded Metric Format line in the process's JSON log when
 * flushed. EMF is a documented JSON shape: the {@code _aws} member declares the namespace, the dimension and each
 * metric's name and unit, and the metric values sit beside it at the top level, next to the log line's own fields
 * (which CloudWatch keeps as searchable properties). Lambda turns such lines into metrics by itself; the local stack
 * reads them back for {@code ./tally metrics}. Not thread-safe: one instance per invocation or batch.
 */
public final class Metrics {

    public static final String NAMESPACE = "Tally";
    /** The one dimension: which part of Tally, or which subscription, measured. */
    public static final String DIMENSION = "Service";
    /** The logger EMF lines go through, so the same appender (stdout, or the local stack's file) gets them. */
    public static final String LOGGER = "tally.metrics";
    /** EMF allows at most 100 values per metric in one line. */
    static final int MAX_VALUES = 100;

    private static final Logger EMF = LogManager.getLogger(LOGGER);

    private final String service;
    private final Clock clock;
    private final Consumer<MapMessage<?, ?>> out;
    private final Map<Metric, List<Long>> values = new EnumMap<>(Metric.class);
    private String detailName;
    private String detailValue;

    public Metrics(String service, Clock clock) {
        this(service, clock, line -> EMF.info(line));
    }

    Metrics(String service, Clock clock, Consumer<MapMessage<?, ?>> out) {
        this.service = service;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Publishes the metrics also under a second dimension set, {@code [Service, name]}: the totals per service stay,
     * and each value of {@code name} (an API route, say) gets its own series.
     */
    public Metrics withDetail(String name, String value) {
        if (name.equals(DIMENSION)) {
            throw new IllegalArgumentException("the detail must not be the service dimension");
        }
        this.detailName = name;
        this.detailValue = value;
        return this;
    }

    /** Adds {@code n} to a count (a count is one value per line: the sum). */
    public Metrics count(Metric metric, long n) {
        var list = values.computeIfAbsent(metric, m -> new ArrayList<>());
        if (list.isEmpty()) {
            list.add(n);
        } else {
            list.set(0, Math.addExact(list.getFirst(), n));
        }
        return this;
    }

    /** Records one observation of a distribution (a duration, a lag), kept value by value. */
    public Metrics observe(Metric metric, long value) {
        values.computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
        return this;
    }

    /** Writes what was recorded as EMF lines (none if nothing was) and starts again. */
    public void flush() {
        while (!values.isEmpty()) {
            var line = new LinkedHashMap<String, Object>();
            var declared = new ArrayList<Map<String, Object>>();
            for (var iterator = values.entrySet().iterator(); iterator.hasNext(); ) {
                var entry = iterator.next();
                var metric = entry.getKey();
                var all = entry.getValue();
                var chunk = new ArrayList<>(all.subList(0, Math.min(MAX_VALUES, all.size())));
                all.subList(0, chunk.size()).clear();
                if (all.isEmpty()) {
                    iterator.remove();
                }
                if (chunk.isEmpty()) {
                    continue;
                }
                var definition = new LinkedHashMap<String, Object>();
                definition.put("Name", metric.metricName());
                definition.put("Unit", metric.unit().cloudWatchName());
                declared.add(definition);
                line.put(metric.metricName(), chunk.size() == 1 ? chunk.getFirst() : chunk);
            }
            if (declared.isEmpty()) {
                return;
            }
            var directive = new LinkedHashMap<String, Object>();
            directive.put("Namespace", NAMESPACE);
            directive.put("Dimensions", detailName == null ? List.of(List.of(DIMENSION))
                    : List.of(List.of(DIMENSION), List.of(DIMENSION, detailName)));
            directive.put("Metrics", declared);
            var aws = new LinkedHashMap<String, Object>();
            aws.put("Timestamp", clock.millis());
            aws.put("CloudWatchMetrics", List.of(directive));
            var emf = new LinkedHashMap<String, Object>();
            emf.put("_aws", aws);
            emf.put(DIMENSION, service);
            if (detailName != null) {
                emf.put(detailName, detailValue);
            }
            emf.putAll(line);
            out.accept(new EmfMessage(emf));
        }
    }

    /** A map message whose text is just "metrics": its members go to the top level of the JSON line. */
    static final class EmfMessage extends MapMessage<EmfMessage, Object> {
        private static final long serialVersionUID = 1L;

        EmfMessage(Map<String, Object> members) {
            super(members);
        }

        @Override
        public String getFormattedMessage() {
            return "metrics";
        }

        @Override
        public void formatTo(StringBuilder buffer) {
            buffer.append("metrics");
        }

        @Override
        public String getFormat() {
            return "";
        }
    }
}
