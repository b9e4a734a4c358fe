package dev.tally.standins.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local on-failure destination of event-source mappings (an SQS queue in AWS). Each entry has the shape of
 * Lambda's invocation record for a stream source ({@code requestContext}, {@code responseContext},
 * {@code DDBStreamBatchInfo}), plus, locally, the reason the function gave and the records themselves.
 * Kept in a file under the data folder when there is one; {@code ./tally dead-letters} lists it.
 */
public final class DeadLetterStore {

    public static final String FILE_NAME = "dead-letters.ndjson";

    private final ObjectMapper json = new ObjectMapper();
    private final Optional<Path> file;
    private final List<ObjectNode> entries = new ArrayList<>();

    public DeadLetterStore(Optional<Path> dataDir) {
        this.file = dataDir.map(dir -> dir.resolve(FILE_NAME));
        file.filter(Files::exists).ifPresent(path -> entries.addAll(read(path)));
    }

    public static List<ObjectNode> read(Path path) {
        var mapper = new ObjectMapper();
        try {
            var result = new ArrayList<ObjectNode>();
            for (var line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    result.add((ObjectNode) mapper.readTree(line));
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    synchronized void add(ObjectNode entry) {
        entries.add(entry);
        file.ifPresent(path -> {
            try {
                Files.createDirectories(path.getParent());
                Files.writeString(path, json.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path, e);
            }
        });
    }

    public synchronized List<ObjectNode> entries() {
        return List.copyOf(entries);
    }
}
