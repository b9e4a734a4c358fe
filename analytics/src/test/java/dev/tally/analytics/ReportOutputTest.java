package dev.tally.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayNameGeneration(ReplaceUnderscores.class)
class ReportOutputTest {

    static final List<String> COLUMNS = List.of("event_date", "type", "total_amount");
    static final List<List<Object>> ROWS = List.of(
            Arrays.asList("2026-03-01", "Balance, \"Credited\"", 10_000L),
            Arrays.asList("2026-03-02", null, new BigDecimal("12.50")));

    @Test
    void json_is_an_array_of_objects_keyed_by_column_with_numbers_as_numbers() throws Exception {
        var json = new ObjectMapper().readTree(write(ReportOutput.Format.JSON));
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("total_amount").isIntegralNumber()).isTrue();
        assertThat(json.get(0).get("total_amount").longValue()).isEqualTo(10_000L);
        assertThat(json.get(1).get("type").isNull()).isTrue();
        assertThat(json.get(1).get("total_amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(json.get(0).get("event_date").asText()).isEqualTo("2026-03-01");
    }

    @Test
    void json_of_no_rows_is_an_empty_array() throws Exception {
        var out = new ByteArrayOutputStream();
        var output = ReportOutput.of(ReportOutput.Format.JSON, new PrintStream(out, true, StandardCharsets.UTF_8));
        output.columns(COLUMNS);
        assertThat(output.finish()).isZero();
        assertThat(new ObjectMapper().readTree(out.toByteArray()).size()).isZero();
    }

    @Test
    void csv_quotes_cells_with_commas_and_quotes() {
        assertThat(write(ReportOutput.Format.CSV)).isEqualTo("event_date,type,total_amount\r\n"
                + "2026-03-01,\"Balance, \"\"Credited\"\"\",10000\r\n"
                + "2026-03-02,,12.50\r\n");
    }

    @Test
    void a_table_aligns_columns_and_counts_rows() {
        var lines = write(ReportOutput.Format.TABLE).lines().toList();
        assertThat(lines.get(0)).isEqualTo("event_date  type                 total_amount");
        assertThat(lines.get(1)).isEqualTo("----------  -------------------  ------------");
        assertThat(lines.get(2)).isEqualTo("2026-03-01  Balance, \"Credited\"  10000");
        assertThat(lines.get(3)).isEqualTo("2026-03-02                       12.50");
        assertThat(lines.getLast()).isEqualTo("(2 rows)");
    }

    @Test
    void an_unknown_format_is_refused_naming_the_choices() {
        assertThatThrownBy(() -> ReportOutput.format("xml")).hasMessage("--format must be table, csv or json, was xml");
    }

    private static String write(ReportOutput.Format format) {
        var out = new ByteArrayOutputStream();
        var output = ReportOutput.of(format, new PrintStream(out, true, StandardCharsets.UTF_8));
        output.columns(COLUMNS);
        ROWS.forEach(output::row);
        assertThat(output.finish()).isEqualTo(2);
        return out.toString(StandardCharsets.UTF_8);
    }
}
