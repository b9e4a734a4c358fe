package dev.tally.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;


import static org.assertj.core.api.Assertions.assertThat;

/** The shape of a line as log4j2.xml writes it: the real template, rendered by the real layout. */
class LogLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonTemplateLayout LAYOUT = JsonTemplateLayout.newBuilder()
            .setConfiguration(new DefaultConfiguration())
            .setEventTemplateUri("classpath:TallyLogLine.json")
            .build();

    @Test
    void aLineCarriesItsContextFlattenedAndAnErrorItsStackTrace() throws Exception {
        var context = new SortedArrayStringMap();
        context.putValue(LogContext.SERVICE, "accounts-api");
        context.putValue(LogContext.CORRELATION_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        context.putValue(LogContext.ACCOUNT_ID, "acc-1");
        var error = new IllegalStateException("boom");
        var line = render(Log4jLogEvent.newBuilder().setLoggerName("dev.tally.Test").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("unhandled error")).setContextData(context).setThrown(error)
                .setTimeMillis(Instant.parse("2026-12-05T10:15:30.123Z").toEpochMilli()).build());

        assertThat(line.path("timestamp").asText()).isEqualTo("2026-12-05T10:15:30.123Z");
        assertThat(line.path("level").asText()).isEqualTo("ERROR");
        assertThat(line.path("message").asText()).isEqualTo("unhandled error");
        assertThat(line.path("service").asText()).isEqualTo("accounts-api");
        assertThat(line.path("correlation_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line.path("account_id").asText()).isEqualTo("acc-1");
        assertThat(line.path("error").path("type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(line.path("error").path("stack_trace").asText())
                .contains("java.lang.IllegalStateException: boom")
                .contains("at dev.tally.observability.LogLineTest.");
    }

    @Test
    void aLineWithoutErrorHasNoErrorMember() throws Exception {
        var line = render(Log4jLogEvent.newBuilder().setLoggerName("x").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("hello")).build());

        assertThat(line.has("error")).as(line.toString()).isFalse();
        assertThat(line.path("message").asText()).isEqualTo("hello");
    }

    @Test
    void metricsAreOneEmfDocumentAtTheTopLevelOfTheLine() throws Exception {
        var lines = new ArrayList<Message>();
        var clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
        var metrics = new Metrics("stream-translator", clock, lines::add);
        metrics.count(Metric.RECORDS_PUBLISHED, 3).count(Metric.RECORDS_PUBLISHED, 2)
                .observe(Metric.BATCH_AGE, 40).observe(Metric.BATCH_AGE, 70);
        metrics.flush();
        metrics.flush();

        assertThat(lines).hasSize(1);
        var line = render(Log4jLogEvent.newBuilder().setLoggerName(Metrics.LOGGER).setLevel(Level.INFO)
                .setMessage(lines.getFirst()).build());
        assertThat(line.path("message").asText()).isEqualTo("metrics");
        assertThat(line.path("Service").asText()).isEqualTo("stream-translator");
        assertThat(line.path("RecordsPublished").asLong()).isEqualTo(5);
        assertThat(JSON.convertValue(line.path("BatchAge"), long[].class)).containsExactly(40, 70);
        var aws = line.path("_aws");
        assertThat(aws.path("Timestamp").asLong()).isEqualTo(clock.millis());
        var directive = aws.path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("Tally");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(directive.path("Metrics").toString())
                .contains("{\"Name\":\"RecordsPublished\",\"Unit\":\"Count\"}")
                .contains("{\"Name\":\"BatchAge\",\"Unit\":\"Milliseconds\"}");
    }

    @Test
    void moreThanAHundredValuesGoOnSeveralLines() {
        var lines = new ArrayList<Message>();
        var metrics = new Metrics("balances", Clock.systemUTC(), lines::add);
        for (int i = 0; i < 250; i++) {
            metrics.observe(Metric.SUBSCRIPTION_LAG, i);
        }
        metrics.flush();

        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(message -> assertThat(((Metrics.EmfMessage) message).getData())
                .containsKey("SubscriptionLag"));
    }

    @Test
    void aScopePutsBackWhatWasThere() {
        try (var outer = LogContext.with(LogContext.ACCOUNT_ID, "a")) {
            try (var inner = LogContext.forEvent("c", "b", 2)) {
                assertThat(org.slf4j.MDC.get(LogContext.ACCOUNT_ID)).isEqualTo("b");
                assertThat(org.slf4j.MDC.get(LogContext.VERSION)).isEqualTo("2");
            }
            assertThat(org.slf4j.MDC.get(LogContext.ACCOUNT_ID)).isEqualTo("a");
            assertThat(org.slf4j.MDC.get(LogContext.VERSION)).isNull();
        }
        assertThat(org.slf4j.MDC.getCopyOfContextMap()).doesNotContainKey(LogContext.ACCOUNT_ID);
    }

    @Test
    void traceparentGivesTheTraceIdWhenValid() {
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(Correlation.of("00-" + traceId + "-00f067aa0ba902b7-01", "req")).isEqualTo(traceId);
        assertThat(Correlation.of(null, "req")).isEqualTo("req");
        assertThat(Correlation.of("00-" + traceId.toUpperCase() + "-00f067aa0ba902b7-01", "req")).isEqualTo("req");
        assertThat(Correlation.of("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "req")).isEqualTo("req");
        assertThat(Correlation.of("ff-" + traceId + "-00f067aa0ba902b7-01", "req")).isEqualTo("req");
        assertThat(Correlation.of("00-" + traceId + "-0000000000000000-01", "req")).isEqualTo("req");
        assertThat(Correlation.of("00-" + traceId + "-00f067aa0ba902b7-01-extra", "req")).isEqualTo("req");
        // a later version may add fields after the flags
        assertThat(Correlation.of("01-" + traceId + "-00f067aa0ba902b7-01-extra", "req")).isEqualTo(traceId);
    }

    private static JsonNode render(LogEvent event) throws Exception {
        var text = LAYOUT.toSerializable(event);
        assertThat(text).endsWith("\n").doesNotContain("\n\n");
        assertThat(text.strip()).doesNotContain("\n");
        return JSON.readTree(text);
    }

}
