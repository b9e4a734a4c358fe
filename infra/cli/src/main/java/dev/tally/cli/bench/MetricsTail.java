package dev.tally.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.cli.observe.LocalMetrics;
import dev.tally.devstack.LocalLogs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The stack's EMF metrics, read as its log files grow: each poll parses only the lines written since the last, so
 * waiting on a metric costs the benchmark next to nothing (reading every log again would, and would be charged to
 * the run it waits for).
 */
final class MetricsTail {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The marker of an EMF line, checked before a line is parsed. */
    private static final String EMF = "\"_aws\"";

    private final Path folder;
    private final Instant since;
    private final LocalMetrics metrics = new LocalMetrics();
    private final Map<Path, Long> offsets = new HashMap<>();

    MetricsTail(Path folder, Instant since) {
        this.folder = folder;
        this.since = since;
    }

    /** Reads what the files gained since the last poll, and answers the metrics read so far. */
    synchronized LocalMetrics poll() {
        if (!Files.isDirectory(folder)) {
            return metrics;
        }
        try (var files = Files.list(folder)) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(LocalLogs.SUFFIX)).toList()) {
                read(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the logs in " + folder, e);
        }
        return metrics;
    }

    private void read(Path file) throws IOException {
        long offset = offsets.getOrDefault(file, 0L);
        try (var in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return;
            }
            var bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            // only whole lines: a line still being written is read next time
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            var text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            for (var line : text.split("\n")) {
                if (line.contains(EMF)) {
                    try {
                        metrics.add(JSON.readTree(line), since);
                    } catch (IOException notJson) {
                        // a line that is not JSON carries no metrics
                    }
                }
            }
            offsets.put(file, offset + end);
        }
    }
}
