package dev.tally.standins.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Where accepted records wait on disk until they are delivered: Firehose is durable once it answers, so a killed
 * process must lose nothing it acknowledged. Each stream has a folder of {@code .ndjson} files, one line per
 * record with its partition, arrival time and data; a buffer deletes its files once delivered, and the next
 * process that creates the stream buffers whatever is left again.
 */
final class Spool {

    /** A record read back from a spool file. */
    record Entry(Path file, Map<String, String> partition, Instant arrival, byte[] data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> dir;

    /** @param dir the spool folder, or empty to keep records in memory only */
    Spool(Optional<Path> dir) {
        this.dir = dir;
    }

    boolean enabled() {
        return dir.isPresent();
    }

    /** A new, not yet created, spool file in the stream's folder. */
    Path newFile(String stream) throws IOException {
        var folder = dir.orElseThrow().resolve(stream);
        Files.createDirectories(folder);
        return folder.resolve(UUID.randomUUID() + ".ndjson");
    }

    static Writer open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** A record's spool line, without the newline. */
    static String line(Map<String, String> partition, byte[] data, Instant arrival) {
        var line = JSON.createObjectNode().put("arrival", arrival.toEpochMilli())
                .put("data", Base64.getEncoder().encodeToString(data));
        var keys = line.putObject("partition");
        partition.forEach(keys::put);
        return line.toString();
    }

    /**
     * Hands each record a previous process spooled for {@code stream} but did not deliver to {@code into}, file by
     * file in name order and line by line.
     *
     * @return how many records were handed over
     */
    int recover(String stream, Consumer<Entry> into) {
        if (dir.isEmpty() || !Files.isDirectory(dir.get().resolve(stream))) {
            return 0;
        }
        int recovered = 0;
        try (var files = Files.list(dir.get().resolve(stream))) {
            for (var file : files.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList()) {
                for (var line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode entry;
                    try {
                        entry = JSON.readTree(line);
                    } catch (IOException torn) {
                        continue; // the last line of a crash may be half-written; it was never acknowledged
                    }
                    if (entry == null || !entry.has("data")) {
                        continue;
                    }
                    var partition = new LinkedHashMap<String, String>();
                    entry.path("partition").properties().forEach(e -> partition.put(e.getKey(), e.getValue().asText()));
                    into.accept(new Entry(file, partition, Instant.ofEpochMilli(entry.path("arrival").asLong()),
                            Base64.getDecoder().decode(entry.path("data").asText())));
                    recovered++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool of " + stream, e);
        }
        return recovered;
    }
}
