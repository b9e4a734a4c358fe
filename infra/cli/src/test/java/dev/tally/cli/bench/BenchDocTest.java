package dev.tally.cli.bench;

import dev.tally.cli.observe.Percentiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchDocTest {

    @Test
    void a_sample_prints_its_median_and_range() {
        assertThat(Sample.of(3, 1, 2).format(1)).isEqualTo("2.0 (1.0–3.0)");
        assertThat(Sample.of(4, 1, 2, 3).median()).isEqualTo(2.5);
        assertThat(Sample.of(7).format(0)).as("one run: its value alone").isEqualTo("7");
        assertThatThrownBy(() -> new Sample(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentiles_are_nearest_rank() {
        var values = List.of(5L, 1L, 4L, 2L, 3L, 6L, 7L, 8L, 9L, 10L);
        assertThat(Percentiles.of(values, 50)).isEqualTo(5);
        assertThat(Percentiles.of(values, 99)).isEqualTo(10);
        assertThat(Percentiles.of(List.<Long>of(), 50)).isNaN();
    }

    @Test
    void the_document_has_the_machine_a_summary_row_per_benchmark_each_section_and_its_charts(@TempDir Path dir) throws Exception {
        var doc = new BenchDoc(true, Instant.parse("2026-12-06T00:00:00Z"));
        var b3 = doc.section("B3", "API against raw", "ratio ≥ 0.7").columns("concurrency", "ratio").row(16, "0.72")
                .outcome(BenchDoc.Verdict.MET, "0.72 at 16");
        doc.section("B4", "Lag", "p99 < 1000 ms").outcome(BenchDoc.Verdict.MISSED, "p99 1200 ms").note("Why it missed.");
        var chart = new BenchChart("B3", "clients", "per second").point("API", 1, 10).point("API", 16, 80)
                .point("raw", 1, 20).point("raw", 16, 100);
        doc.chart(b3, chart, dir.resolve("benchmarks"), "b3.png");

        var file = dir.resolve("BENCHMARKS.md");
        doc.write(file, Instant.parse("2026-12-06T00:02:30Z"));

        var text = Files.readString(file);
        assertThat(text).contains("`./tally bench --quick`", "in 2 min 30 s", "## Machine", "| cores | ", "| JDK | ", "| Node | ");
        assertThat(text).contains("| B3 | API against raw | ratio ≥ 0.7 | 0.72 at 16 | met |",
                "| B4 | Lag | p99 < 1000 ms | p99 1200 ms | **missed** |");
        assertThat(text).contains("## B3. API against raw", "| concurrency | ratio |\n|---|---|\n| 16 | 0.72 |",
                "![B3](benchmarks/b3.png)", "## B4. Lag", "Why it missed.");
        var png = ImageIO.read(dir.resolve("benchmarks/b3.png").toFile());
        assertThat(png.getWidth()).isPositive();
        assertThat(chart.points()).isEqualTo(4);
    }
}
