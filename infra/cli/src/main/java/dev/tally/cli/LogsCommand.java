package dev.tally.cli;

import dev.tally.cli.observe.LogFolder;
import dev.tally.observability.LogContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Reads, filters and follows the local stack's JSON logs. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Show the stack's JSON logs, merged in time order.",
                "Each process (the API, the translator, each subscription, the stack itself) has one file of JSON "
                        + "lines in the stack's log folder. Filter by correlation id (from a response's "
                        + "X-Correlation-Id header) to follow one request through every part."})
final class LogsCommand implements Callable<Integer> {

    @Option(names = "--correlation", paramLabel = "ID", description = "Only lines of this correlation id.")
    String correlation;

    @Option(names = "--process", paramLabel = "NAME", description = "Only this process's lines (a file name in the log folder without .log).")
    String process;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only lines of the last DURATION: 30s, 5m, 2h (default: all).")
    String since;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C.")
    boolean follow;

    @Option(names = "--json", description = "Print the lines as written (JSON), not as readable text.")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR", description = "A log folder to read instead of the running stack's "
            + "(the demo keeps its logs in .tally/demo/logs).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var folder = dir != null ? new LogFolder(dir) : LogFolder.of(StackEnvironment.running());
        if (process != null && !folder.processes().contains(process)) {
            throw new IllegalArgumentException("--process " + process + ": no such log in " + folder.path()
                    + "; there are " + String.join(", ", folder.processes()));
        }
        var from = since == null ? Instant.EPOCH : Instant.now().minus(duration(since));
        folder.lines().stream().filter(line -> matches(line, from))
                .sorted(Comparator.comparing(LogFolder.Line::timestamp))
                .forEach(this::print);
        if (follow) {
            follow(folder, from);
        }
        return 0;
    }

    /** Polls every file for lines appended since, in each file's order. */
    private void follow(LogFolder folder, Instant from) throws IOException, InterruptedException {
        Map<String, Long> read = new HashMap<>();
        for (var name : folder.processes()) {
            read.put(name, Files.size(folder.file(name)));
        }
        while (!Thread.currentThread().isInterrupted()) {
            for (var name : folder.processes()) {
                var file = folder.file(name);
                long offset = read.getOrDefault(name, 0L);
                long size = Files.size(file);
                if (size <= offset) {
                    continue;
                }
                read.put(name, offset + printFrom(file, name, offset, size, from));
            }
            System.out.flush();
            Thread.sleep(500); // polling a file: there is nothing to wait on
        }
    }

    /** Prints the whole lines between {@code offset} and {@code size}; returns the bytes consumed. */
    private long printFrom(Path file, String name, long offset, long size, Instant from) throws IOException {
        try (var in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset);
            var bytes = new byte[(int) Math.min(size - offset, 8 * 1024 * 1024)];
            in.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // a line still being written waits for the next poll
            }
            for (var text : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (!text.isBlank()) {
                    var line = LogFolder.parse(name, text);
                    if (matches(line, from)) {
                        print(line);
                    }
                }
            }
            return end;
        }
    }

    private boolean matches(LogFolder.Line line, Instant from) {
        return (process == null || process.equals(line.process()))
                && (correlation == null || correlation.equals(line.field(LogContext.CORRELATION_ID)))
                && !line.timestamp().isBefore(from);
    }

    private void print(LogFolder.Line line) {
        if (json || line.json().isEmpty()) {
            System.out.println(line.text());
            return;
        }
        var account = line.field(LogContext.ACCOUNT_ID);
        var version = line.field(LogContext.VERSION);
        var correlationId = line.field(LogContext.CORRELATION_ID);
        var error = line.json().get().path("error").path("stack_trace").asText("");
        System.out.printf("%-24s %-24s %-5s %s%s%s%n", line.field("timestamp"), line.process(), line.field("level"),
                line.field("message"),
                correlationId == null ? "" : "  [" + correlationId + (account == null ? "" : " " + account
                        + (version == null ? "" : "/" + version)) + "]",
                error.isEmpty() ? "" : "\n" + error.strip());
    }

    /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or an ISO-8601 duration. */
    static Duration duration(String text) {
        var matcher = java.util.regex.Pattern.compile("([0-9]{1,9})([smhd])").matcher(text);
        if (matcher.matches()) {
            long n = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since " + text + ": not a duration; use 30s, 5m, 2h or 1d");
        }
    }
}
