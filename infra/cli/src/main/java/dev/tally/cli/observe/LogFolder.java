package dev.tally.cli.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.devstack.LocalLogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local stack's log folder ({@link LocalLogs}): one JSON-lines file per process. Reads lines back for
 * {@code ./tally logs}, {@code ./tally metrics} and {@code ./tally status}.
 */
public final class LogFolder {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of a process's log: its process (the file's name), its JSON, or its raw text if it is not JSON. */
    public record Line(String process, String text, Optional<JsonNode> json) {

        /** The line's own timestamp; {@link Instant#EPOCH} if it has none. */
        public Instant timestamp() {
            return json.map(j -> j.path("timestamp").asText("")).filter(t -> !t.isEmpty()).map(t -> {
                try {
                    return Instant.parse(t);
                } catch (DateTimeParseException e) {
                    return Instant.EPOCH;
                }
            }).orElse(Instant.EPOCH);
        }

        public String field(String name) {
            return json.map(j -> j.path(name)).filter(JsonNode::isValueNode).map(JsonNode::asText).orElse(null);
        }
    }

    private final Path folder;

    public LogFolder(Path folder) {
        this.folder = folder;
    }

    /** The running stack's log folder, as it exported it. */
    public static LogFolder of(Map<String, String> stack) {
        var folder = stack.get(LocalLogs.EXPORT);
        if (folder == null) {
            throw new IllegalStateException("the running stack names no log folder (" + LocalLogs.EXPORT
                    + "); restart it with this version of ./tally up");
        }
        return new LogFolder(Path.of(folder));
    }

    public Path path() {
        return folder;
    }

    /** The processes with a log file, by name. */
    public List<String> processes() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(LocalLogs.SUFFIX))
                    .map(n -> n.substring(0, n.length() - LocalLogs.SUFFIX.length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    public Path file(String process) {
        return LocalLogs.file(folder, process);
    }

    /** Every line of every file, file after file. */
    public List<Line> lines() {
        var lines = new ArrayList<Line>();
        for (var process : processes()) {
            lines.addAll(lines(process));
        }
        return lines;
    }

    public List<Line> lines(String process) {
        try (Stream<String> text = Files.lines(file(process))) {
            return text.filter(t -> !t.isBlank()).map(t -> parse(process, t)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(process), e);
        }
    }

    public static Line parse(String process, String text) {
        try {
            var node = JSON.readTree(text);
            return new Line(process, text, node != null && node.isObject() ? Optional.of(node) : Optional.empty());
        } catch (IOException e) {
            return new Line(process, text, Optional.empty());
        }
    }
}
