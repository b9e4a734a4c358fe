package dev.tally.cli.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LocalMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    /** An EMF line as {@code Metrics} writes it, inside a log line. */
    private static String line(Instant at, String service, String route, String metric, String unit, String value) {
        var dimensions = route == null ? "[[\"Service\"]]" : "[[\"Service\"],[\"Service\",\"Route\"]]";
        return "{\"timestamp\":\"" + at + "\",\"level\":\"INFO\",\"logger\":\"tally.metrics\",\"message\":\"metrics\","
                + "\"_aws\":{\"Timestamp\":" + at.toEpochMilli() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Tally\","
                + "\"Dimensions\":" + dimensions + ",\"Metrics\":[{\"Name\":\"" + metric + "\",\"Unit\":\"" + unit + "\"}]}]},"
                + "\"Service\":\"" + service + "\"" + (route == null ? "" : ",\"Route\":\"" + route + "\"")
                + ",\"" + metric + "\":" + value + "}";
    }

    @Test
    void counts_are_summed_per_service_and_detail_and_distributions_give_percentiles(@TempDir Path logs) throws Exception {
        Files.write(logs.resolve("accounts-api.log"), List.of(
                line(NOW.minusSeconds(3600), "accounts-api", "POST /accounts/{id}/credit", "CommandsApplied", "Count", "1"),
                line(NOW.minusSeconds(30), "accounts-api", "POST /accounts/{id}/withdraw", "CommandsApplied", "Count", "1"),
                line(NOW.minusSeconds(20), "accounts-api", "POST /accounts/{id}/withdraw", "CommandsRefused", "Count", "1"),
                "{\"timestamp\":\"" + NOW + "\",\"level\":\"INFO\",\"message\":\"not a metric\"}",
                "not json at all"));
        Files.write(logs.resolve("tally-balances.log"), List.of(
                line(NOW.minusSeconds(10), "tally-balances", null, "SubscriptionLag", "Milliseconds",
                        "[" + String.join(",", java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).toList()) + "]")));

        var metrics = LocalMetrics.read(new LogFolder(logs), Instant.EPOCH);

        assertThat(metrics.lines()).isEqualTo(4);
        assertThat(metrics.total("accounts-api", "CommandsApplied")).isEqualTo(2);
        assertThat(metrics.total("accounts-api", "CommandsRefused")).isEqualTo(1);
        var applied = metrics.row("accounts-api", "CommandsApplied", NOW).orElseThrow();
        assertThat(applied.recent().sum()).as("the last minute").isEqualTo(1);
        assertThat(applied.sinceStart().sum()).isEqualTo(2);
        assertThat(metrics.rows(NOW)).anySatisfy(row -> {
            assertThat(row.series().detail()).contains("Route=POST /accounts/{id}/withdraw");
            assertThat(row.series().metric()).isEqualTo("CommandsApplied");
            assertThat(row.sinceStart().sum()).isEqualTo(1);
        });
        var lag = metrics.row("tally-balances", "SubscriptionLag", NOW).orElseThrow();
        assertThat(lag.recent()).isEqualTo(new LocalMetrics.Summary(100, 5050, 50, 99));
        assertThat(lag.series().unit()).isEqualTo("Milliseconds");
    }

    @Test
    void only_lines_since_the_start_count(@TempDir Path logs) throws Exception {
        Files.write(logs.resolve("stream-translator.log"), List.of(
                line(NOW.minusSeconds(600), "stream-translator", null, "RecordsPublished", "Count", "5"),
                line(NOW.minusSeconds(5), "stream-translator", null, "RecordsPublished", "Count", "7")));

        var metrics = LocalMetrics.read(new LogFolder(logs), NOW.minusSeconds(60));

        assertThat(metrics.total("stream-translator", "RecordsPublished")).isEqualTo(7);
        assertThat(metrics.row("stream-translator", "RecordsPoisoned", NOW)).isEqualTo(Optional.empty());
    }

    @Test
    void a_line_that_is_not_json_is_kept_as_text(@TempDir Path logs) throws Exception {
        Files.write(logs.resolve("devstack.log"), List.of("{\"timestamp\":\"" + NOW + "\",\"message\":\"ok\"}", "oops"));

        var lines = new LogFolder(logs).lines();

        assertThat(lines).extracting(line -> line.json().isPresent()).containsExactly(true, false);
        assertThat(lines.getFirst().timestamp()).isEqualTo(NOW);
        assertThat(new LogFolder(logs).processes()).containsExactly("devstack");
    }
}
