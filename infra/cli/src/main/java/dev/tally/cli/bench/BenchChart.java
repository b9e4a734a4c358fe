package dev.tally.cli.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A line chart of one or more curves over the same x axis, drawn headless to a PNG. */
final class BenchChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, List<double[]>> curves = new LinkedHashMap<>();

    BenchChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    BenchChart point(String curve, double x, double y) {
        curves.computeIfAbsent(curve, c -> new java.util.ArrayList<>()).add(new double[]{x, y});
        return this;
    }

    /** How many points the curves hold together. */
    int points() {
        return curves.values().stream().mapToInt(List::size).sum();
    }

    void write(Path png) {
        System.setProperty("java.awt.headless", "true");
        var dataset = new XYSeriesCollection();
        curves.forEach((name, points) -> {
            var series = new XYSeries(name);
            points.forEach(p -> series.add(p[0], p[1]));
            dataset.addSeries(series);
        });
        var chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
        var plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        var renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        plot.setRenderer(renderer);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
