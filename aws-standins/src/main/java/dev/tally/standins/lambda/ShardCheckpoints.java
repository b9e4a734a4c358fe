package dev.tally.standins.lambda;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an event-source mapping is in each shard: the sequence number of the last record it is done with. With a
 * file, every checkpoint is written through (to a temporary file moved over the old one, so a crash leaves one or
 * the other), so a restarted mapping does not deliver again what was done.
 */
final class ShardCheckpoints {

    private final ObjectMapper json = new ObjectMapper();
    private final Optional<Path> file;
    private final Map<String, String> checkpoints = new LinkedHashMap<>();

    /** Reads the checkpoints a previous process left in {@code file}. */
    ShardCheckpoints(Optional<Path> file) {
        this.file = file;
        file.filter(Files::exists).ifPresent(path -> {
            try {
                checkpoints.putAll(json.readValue(path.toFile(), new TypeReference<Map<String, String>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        });
    }

    synchronized Optional<String> of(String shardId) {
        return Optional.ofNullable(checkpoints.get(shardId));
    }

    synchronized void put(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
        file.ifPresent(path -> {
            try {
                Files.createDirectories(path.getParent());
                var temp = path.resolveSibling(path.getFileName() + ".tmp");
                json.writeValue(temp.toFile(), checkpoints);
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        });
    }

    synchronized Map<String, String> all() {
        return Map.copyOf(checkpoints);
    }
}
