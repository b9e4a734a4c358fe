package dev.tally.analytics;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import static dev.tally.analytics.TestLake.credit;
import static dev.tally.analytics.TestLake.opened;
import static dev.tally.analytics.TestLake.withdrawal;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(ReplaceUnderscores.class)
class ReportChartTest {

    @TempDir
    Path dir;

    static List<Report> drawn() {
        return List.of(Report.DAILY_TOTALS, Report.END_OF_DAY_BALANCES, Report.TOP_MOVERS, Report.OVERDRAFT_AUDIT);
    }

    @ParameterizedTest
    @MethodSource("drawn")
    void every_report_draws_a_png_with_more_than_a_blank_canvas(Report report) throws Exception {
        var account = "0a000000-0000-4000-8000-000000000001";
        TestLake.write(dir, List.of(opened(account, "2026-03-01T09:00:00Z"),
                credit(account, 2, 10_000, 10_000, "2026-03-01T10:00:00Z"),
                withdrawal(account, 3, 2_500, 7_500, "2026-03-02T10:00:00Z")));
        ReportResult result;
        try (var engine = new DuckDbEngine(dir)) {
            result = new ReportRunner(engine).run(report, Optional.empty());
        }
        var png = dir.resolve("charts/" + report.reportName() + ".png");
        ReportChart.write(report, result, png);

        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(ReportChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ReportChart.HEIGHT);
        var colours = new HashSet<Integer>();
        for (int x = 0; x < image.getWidth(); x += 7) {
            for (int y = 0; y < image.getHeight(); y += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours).as("text, axes and data, not one flat colour").hasSizeGreaterThan(3)
                .contains(Color.WHITE.getRGB());
    }
}
