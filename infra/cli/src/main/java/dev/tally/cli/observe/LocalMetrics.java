package dev.tally.cli.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.observability.Metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metrics the local stack's processes wrote as CloudWatch Embedded Metric Format lines in their logs, read back
 * and summed as CloudWatch would: by metric, service and (where a line declares one) the second dimension, over the
 * last minute and since the stack started. What {@code ./tally metrics} prints and {@code ./tally status} uses.
 */
public final class LocalMetrics {

    public static final Duration RECENT = Duration.ofMinutes(1);

    /** A series: a metric of a service, maybe under a second dimension (e.g. {@code Route=POST /accounts}). */
    public record Series(String metric, String service, Optional<String> detail, String unit) {
    }

    /** What a series holds over a span of time. */
    public record Summary(long count, long sum, long p50, long p99) {
        static final Summary NONE = new Summary(0, 0, 0, 0);

        static Summary of(List<Long> values) {
            if (values.isEmpty()) {
                return NONE;
            }
            var sorted = values.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            return new Summary(sorted.length, Arrays.stream(sorted).reduce(0, Math::addExact), Percentiles.ofSorted(sorted, 50),
                    Percentiles.ofSorted(sorted, 99));
        }
    }

    public record Row(Series series, Summary recent, Summary sinceStart) {
    }

    private final Map<Series, List<long[]>> values = new TreeMap<>(Comparator.comparing(Series::service)
            .thenComparing(Series::metric).thenComparing(s -> s.detail().orElse("")));
    private long linesRead;

    /** Reads every EMF line of {@code folder} written at or after {@code since}. */
    public static LocalMetrics read(LogFolder folder, Instant since) {
        var metrics = new LocalMetrics();
        for (var line : folder.lines()) {
            line.json().ifPresent(json -> metrics.add(json, since));
        }
        return metrics;
    }

    /** Adds one EMF line, if it was written at or after {@code since}; lines without {@code _aws} are ignored. */
    public void add(JsonNode line, Instant since) {
        if (!line.has("_aws")) {
            return;
        }
        var aws = line.path("_aws");
        long at = aws.path("Timestamp").asLong();
        if (at < since.toEpochMilli()) {
            return;
        }
        linesRead++;
        for (var directive : aws.path("CloudWatchMetrics")) {
            var service = line.path(Metrics.DIMENSION).asText("?");
            // the widest dimension set names the detail, if the line has one
            Optional<String> detail = Optional.empty();
            for (var set : directive.path("Dimensions")) {
                for (var name : set) {
                    if (!name.asText().equals(Metrics.DIMENSION)) {
                        detail = Optional.of(name.asText() + "=" + line.path(name.asText()).asText());
                    }
                }
            }
            for (var metric : directive.path("Metrics")) {
                var name = metric.path("Name").asText();
                var value = line.path(name);
                var unit = metric.path("Unit").asText("None");
                var observed = new ArrayList<Long>();
                if (value.isArray()) {
                    value.forEach(v -> observed.add(v.asLong()));
                } else if (value.isNumber()) {
                    observed.add(value.asLong());
                }
                var series = new Series(name, service, detail, unit);
                var list = values.computeIfAbsent(series, s -> new ArrayList<>());
                observed.forEach(v -> list.add(new long[]{at, v}));
                if (detail.isPresent()) {
                    // the service-wide series, as CloudWatch aggregates the [Service] dimension set
                    var total = values.computeIfAbsent(new Series(name, service, Optional.empty(), unit), s -> new ArrayList<>());
                    observed.forEach(v -> total.add(new long[]{at, v}));
                }
            }
        }
    }

    /** EMF lines read. */
    public long lines() {
        return linesRead;
    }

    /** Every series, with its last minute (before {@code now}) and everything read. */
    public List<Row> rows(Instant now) {
        var rows = new ArrayList<Row>();
        long horizon = now.minus(RECENT).toEpochMilli();
        values.forEach((series, observed) -> rows.add(new Row(series,
                Summary.of(observed.stream().filter(v -> v[0] >= horizon).map(v -> v[1]).toList()),
                Summary.of(observed.stream().map(v -> v[1]).toList()))));
        return rows;
    }

    /**
     * Every value of a metric over a service (all its details), with the time of the line that carried it:
     * {@code [epoch millis, value]} pairs in the order read.
     */
    public List<long[]> observations(String service, String metric) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().service().equals(service) && e.getKey().metric().equals(metric)
                        && e.getKey().detail().isEmpty())
                .flatMap(e -> e.getValue().stream()).toList();
    }

    /** The sum since start of a metric over a service (all its details), 0 if it has none. */
    public long total(String service, String metric) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().service().equals(service) && e.getKey().metric().equals(metric)
                        && e.getKey().detail().isEmpty())
                .flatMap(e -> e.getValue().stream()).mapToLong(v -> v[1]).sum();
    }

    /** A series' summary since start and over the last minute, if it has values. */
    public Optional<Row> row(String service, String metric, Instant now) {
        return rows(now).stream().filter(r -> r.series().service().equals(service) && r.series().metric().equals(metric)
                && r.series().detail().isEmpty()).findFirst();
    }
}
