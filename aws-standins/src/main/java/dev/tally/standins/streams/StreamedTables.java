package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables whose streams are enabled, and each stream's records. With a data folder, the stream settings are
 * kept in {@code streams.json} (dynalite drops them, so they must outlive a restart here) and each stream's
 * records in {@code records-<table>.ndjson}.
 */
final class StreamedTables implements AutoCloseable {

    private final ObjectMapper json;
    private final Optional<Path> dataDir;
    private final Map<String, StreamedTable> tables = new ConcurrentHashMap<>();
    private final Map<String, StreamRecordLog> logs = new ConcurrentHashMap<>();

    /** Reads the stream settings a previous process kept in {@code dataDir}. */
    StreamedTables(ObjectMapper json, Optional<Path> dataDir) {
        this.json = json;
        this.dataDir = dataDir;
        load();
    }

    Optional<StreamedTable> byName(String tableName) {
        return Optional.ofNullable(tables.get(tableName));
    }

    Optional<StreamedTable> byArn(String streamArn) {
        return tables.values().stream().filter(t -> t.streamArn().equals(streamArn)).findFirst();
    }

    Collection<StreamedTable> all() {
        return tables.values();
    }

    /** Remembers a table created with its stream enabled. */
    void enable(StreamedTable table) throws IOException {
        tables.put(table.tableName(), table);
        save();
    }

    /** The records of the table's stream, read from the data folder the first time. */
    StreamRecordLog log(StreamedTable table) {
        return logs.computeIfAbsent(table.tableName(), name -> new StreamRecordLog(json,
                dataDir.map(dir -> dir.resolve("records-" + name + ".ndjson"))));
    }

    private Optional<Path> file() {
        return dataDir.map(dir -> dir.resolve("streams.json"));
    }

    private void load() {
        file().filter(Files::exists).ifPresent(file -> {
            try {
                for (var node : json.readTree(file.toFile())) {
                    tables.put(node.path("TableName").asText(), new StreamedTable(node.path("TableName").asText(),
                            node.path("StreamArn").asText(), node.path("StreamLabel").asText(),
                            node.path("StreamViewType").asText(), keyNames(node.path("KeySchema")), node.path("KeySchema"),
                            Instant.parse(node.path("CreatedAt").asText())));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        });
    }

    /** The attribute names of a {@code KeySchema}. */
    static List<String> keyNames(JsonNode keySchema) {
        var names = new ArrayList<String>();
        keySchema.forEach(k -> names.add(k.path("AttributeName").asText()));
        return List.copyOf(names);
    }

    /** Writes the settings to a temporary file and moves it over the old one, so a crash leaves one or the other. */
    private synchronized void save() throws IOException {
        var file = file();
        if (file.isEmpty()) {
            return;
        }
        var array = json.createArrayNode();
        tables.values().forEach(t -> {
            var node = array.addObject().put("TableName", t.tableName()).put("StreamArn", t.streamArn())
                    .put("StreamLabel", t.label()).put("StreamViewType", t.viewType())
                    .put("CreatedAt", t.createdAt().toString());
            node.set("KeySchema", t.keySchema());
        });
        Files.createDirectories(file.get().getParent());
        var temp = file.get().resolveSibling("streams.json.tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), array);
        Files.move(temp, file.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        logs.values().forEach(StreamRecordLog::close);
    }
}
