package dev.tally.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * BENCHMARKS.md: the machine, a summary of every benchmark against its target, then each benchmark's table, notes
 * and charts. Every figure is a {@link Sample}: the median of the runs, with their range.
 */
final class BenchDoc {

    enum Verdict {
        MET("met"), MISSED("**missed**"), RECORDED("recorded");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    /** One benchmark's part of the document. */
    static final class Section {
        final String id;
        final String title;
        final String target;
        final List<String> header = new ArrayList<>();
        final List<List<String>> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> charts = new ArrayList<>();
        Verdict verdict = Verdict.RECORDED;
        String result = "";

        Section(String id, String title, String target) {
            this.id = id;
            this.title = title;
            this.target = target;
        }

        Section columns(String... names) {
            header.addAll(List.of(names));
            return this;
        }

        Section row(Object... cells) {
            rows.add(java.util.Arrays.stream(cells).map(String::valueOf).toList());
            return this;
        }

        Section note(String text) {
            notes.add(text);
            return this;
        }

        /** The outcome against the target, in one line for the summary. */
        Section outcome(Verdict verdict, String result) {
            this.verdict = verdict;
            this.result = result;
            return this;
        }
    }

    private final boolean quick;
    private final Instant startedAt;
    private final List<Section> sections = new ArrayList<>();

    BenchDoc(boolean quick, Instant startedAt) {
        this.quick = quick;
        this.startedAt = startedAt;
    }

    Section section(String id, String title, String target) {
        var section = new Section(id, title, target);
        sections.add(section);
        return section;
    }

    List<Section> sections() {
        return sections;
    }

    /** Draws {@code chart} beside the document and links it from {@code section}. */
    void chart(Section section, BenchChart chart, Path folder, String fileName) {
        chart.write(folder.resolve(fileName));
        section.charts.add(folder.getFileName() + "/" + fileName);
    }

    void write(Path file, Instant finishedAt) throws IOException {
        var out = new StringBuilder();
        out.append("# Tally benchmarks\n\n");
        out.append("Written by `./tally bench").append(quick ? " --quick" : "").append("` on ")
                .append(startedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(", in ")
                .append(minutes(Duration.between(startedAt, finishedAt))).append(". ");
        out.append(quick ? "**A quick smoke run: short runs and small sizes; the figures are indicative only.**\n\n"
                : "A full run.\n\n");
        out.append("Every figure is the median of its runs, with the min–max range in brackets. A ratio compares two "
                + "figures measured side by side in the same run, on the same local stack. Everything runs on one "
                + "machine: the emulators, the stand-ins, the API, the workers and this benchmark share its cores, so "
                + "absolute rates say little about AWS; ratios and shapes (flat or growing) carry over.\n\n");
        out.append("## Machine\n\n").append(machine()).append('\n');
        out.append("## Summary\n\n| # | benchmark | target | result | verdict |\n|---|---|---|---|---|\n");
        for (var s : sections) {
            out.append("| ").append(s.id).append(" | ").append(s.title).append(" | ").append(s.target).append(" | ")
                    .append(s.result).append(" | ").append(s.verdict.text).append(" |\n");
        }
        out.append('\n');
        for (var s : sections) {
            out.append("## ").append(s.id).append(". ").append(s.title).append("\n\n");
            out.append("Target: ").append(s.target).append(". Result: ").append(s.result).append(" (")
                    .append(s.verdict.text).append(").\n\n");
            if (!s.header.isEmpty()) {
                out.append("| ").append(String.join(" | ", s.header)).append(" |\n|");
                out.append("---|".repeat(s.header.size())).append('\n');
                for (var row : s.rows) {
                    out.append("| ").append(String.join(" | ", row)).append(" |\n");
                }
                out.append('\n');
            }
            for (var note : s.notes) {
                out.append(note).append("\n\n");
            }
            for (var chart : s.charts) {
                out.append("![").append(s.id).append("](").append(chart).append(")\n\n");
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    private static String minutes(Duration took) {
        return String.format(Locale.ROOT, "%d min %02d s", took.toMinutes(), took.toSecondsPart());
    }

    static String machine() {
        var out = new StringBuilder();
        out.append("| | |\n|---|---|\n");
        out.append("| cores | ").append(Runtime.getRuntime().availableProcessors()).append(" (").append(cpuModel()).append(") |\n");
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            out.append("| memory | ").append(sun.getTotalMemorySize() / (1024 * 1024 * 1024)).append(" GiB |\n");
        }
        out.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
        out.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ').append(Runtime.version()).append(" |\n");
        out.append("| Node | ").append(nodeVersion()).append(" |\n");
        return out.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown model");
        } catch (IOException e) {
            return "unknown model";
        }
    }

    private static String nodeVersion() {
        try {
            var process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            var version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return version.isEmpty() ? "unknown" : version;
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
