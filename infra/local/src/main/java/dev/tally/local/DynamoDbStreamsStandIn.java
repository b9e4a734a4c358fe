package dev.tally.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * DynamoDB Streams for dynalite, which has none: a proxy on 127.0.0.1 that forwards every DynamoDB call to
 * dynalite, records successful writes to stream-enabled tables, and serves the
 * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html">DynamoDB
 * Streams API</a> (ListStreams, DescribeStream, GetShardIterator, GetRecords) on the same port, so that the real
 * {@code DynamoDbStreamsClient} and the AWS CLI can read it.
 *
 * <ul>
 *   <li>A table's stream is enabled by {@code StreamSpecification} on CreateTable (dynalite silently drops it; this
 *   proxy remembers it and adds {@code StreamSpecification}, {@code LatestStreamArn} and {@code LatestStreamLabel}
 *   to CreateTable and DescribeTable responses).</li>
 *   <li>PutItem, UpdateItem and DeleteItem are forwarded asking for {@code ALL_OLD}, so the proxy knows whether a
 *   write was an INSERT, a MODIFY or a REMOVE; the client still gets the return values it asked for. UpdateItem's
 *   new image is read back with a consistent GetItem. BatchWriteItem on a stream-enabled table is carried out as
 *   single writes (a batch write is not atomic in DynamoDB either).</li>
 *   <li>Each stream has one shard (AWS has one per partition and rolls them over; Tally's consumers handle any
 *   number). Records keep the fields AWS sends and survive a restart when a data folder is given; records
 *   older than 24 hours are trimmed.</li>
 *   <li>Writes to one item are recorded in the order they completed, which is the order AWS guarantees (per item).</li>
 * </ul>
 */
public final class DynamoDbStreamsStandIn implements AutoCloseable {

    private static final String DYNAMODB = "DynamoDB_20120810.";
    private static final String STREAMS = "DynamoDBStreams_20120810.";
    private static final String ACCOUNT = "000000000000";
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Set<String> VIEW_TYPES = Set.of("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES");
    private static final int MAX_GET_RECORDS = 1000;

    /** A table with its stream enabled. */
    record StreamedTable(String tableName, String streamArn, String label, String viewType, List<String> keyNames,
                         JsonNode keySchema, Instant createdAt) {
        String shardId() {
            return "shardId-" + String.format("%020d", createdAt.toEpochMilli()) + "-00000001";
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final URI dynalite;
    private final String region;
    private final Clock clock;
    private final Optional<Path> dataDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, StreamedTable> tables = new ConcurrentHashMap<>();
    private final Map<String, StreamRecordLog> logs = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService workers;

    /**
     * @param port    the port to serve on (0 picks one)
     * @param dataDir where stream settings and records are kept, or empty for memory only
     */
    public DynamoDbStreamsStandIn(URI dynalite, int port, String region, Clock clock, Optional<Path> dataDir) {
        this.dynalite = dynalite;
        this.region = region;
        this.clock = clock;
        this.dataDir = dataDir;
        loadTables();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (is it in use? pick another port)", e);
        }
        workers = Executors.newFixedThreadPool(64, Thread.ofPlatform().name("dynamodb-proxy-", 0).daemon().factory());
        server.setExecutor(workers);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The stream ARN of {@code table}, if its stream is enabled. */
    public Optional<String> streamArn(String table) {
        return Optional.ofNullable(tables.get(table)).map(StreamedTable::streamArn);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            var body = exchange.getRequestBody().readAllBytes();
            Reply reply;
            try {
                if (target.startsWith(STREAMS)) {
                    reply = streams(target.substring(STREAMS.length()), json.readTree(body));
                } else if (target.startsWith(DYNAMODB)) {
                    reply = dynamodb(exchange, target.substring(DYNAMODB.length()), body);
                } else {
                    reply = forward(exchange, body);
                }
            } catch (StreamsError e) {
                reply = Reply.error(e.type, e.getMessage());
            } catch (IOException | RuntimeException e) {
                reply = new Reply(500, Map.of(), json.writeValueAsBytes(json.createObjectNode()
                        .put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError")
                        .put("message", "local DynamoDB proxy: " + e)));
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            var crc = new CRC32();
            crc.update(reply.body());
            // The SDK checks this checksum; it must match the body as sent, including any body we rewrote.
            exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        }
    }

    private record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply error(String type, String message) {
            var body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + type + "\",\"message\":"
                    + quote(message) + "}";
            return new Reply(400, Map.of(), body.getBytes(StandardCharsets.UTF_8));
        }

        private static final ObjectMapper QUOTER = new ObjectMapper();

        private static String quote(String text) {
            try {
                return QUOTER.writeValueAsString(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class StreamsError extends RuntimeException {
        final String type;

        StreamsError(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    // ---------------------------------------------------------------- DynamoDB, forwarded and recorded

    private Reply dynamodb(HttpExchange exchange, String operation, byte[] body) throws IOException {
        return switch (operation) {
            case "CreateTable" -> createTable(exchange, body);
            case "DescribeTable" -> describeTable(exchange, body);
            case "PutItem", "DeleteItem", "UpdateItem" -> {
                var request = (ObjectNode) json.readTree(body);
                var table = tables.get(request.path("TableName").asText());
                yield table == null ? forward(exchange, body) : recordedWrite(exchange, operation, request, table);
            }
            case "BatchWriteItem" -> batchWrite(exchange, body);
            default -> forward(exchange, body);
        };
    }

    private Reply createTable(HttpExchange exchange, byte[] body) throws IOException {
        var request = (ObjectNode) json.readTree(body);
        var spec = request.path("StreamSpecification");
        boolean enabled = spec.path("StreamEnabled").asBoolean(false);
        if (enabled && !VIEW_TYPES.contains(spec.path("StreamViewType").asText())) {
            return Reply.error("ValidationException", "StreamViewType must be one of " + VIEW_TYPES + ", was "
                    + spec.path("StreamViewType").asText());
        }
        var reply = forward(exchange, body);
        if (reply.status() == 200 && enabled) {
            var name = request.path("TableName").asText();
            var now = clock.instant();
            var label = LABEL.format(now);
            var keyNames = new java.util.ArrayList<String>();
            request.path("KeySchema").forEach(k -> keyNames.add(k.path("AttributeName").asText()));
            var table = new StreamedTable(name, "arn:aws:dynamodb:" + region + ":" + ACCOUNT + ":table/" + name
                    + "/stream/" + label, label, spec.path("StreamViewType").asText(), List.copyOf(keyNames),
                    request.path("KeySchema"), now);
            tables.put(name, table);
            saveTables();
            return withStream(reply, "TableDescription", table);
        }
        return reply;
    }

    private Reply describeTable(HttpExchange exchange, byte[] body) throws IOException {
        var reply = forward(exchange, body);
        var table = tables.get(json.readTree(body).path("TableName").asText());
        return reply.status() == 200 && table != null ? withStream(reply, "Table", table) : reply;
    }

    private Reply withStream(Reply reply, String field, StreamedTable table) throws IOException {
        var response = (ObjectNode) json.readTree(reply.body());
        var description = (ObjectNode) response.path(field);
        description.putObject("StreamSpecification").put("StreamEnabled", true).put("StreamViewType", table.viewType());
        description.put("LatestStreamArn", table.streamArn());
        description.put("LatestStreamLabel", table.label());
        return new Reply(reply.status(), reply.headers(), json.writeValueAsBytes(response));
    }

    /** A single write to a stream-enabled table: forwarded asking for the old image, then recorded. */
    private Reply recordedWrite(HttpExchange exchange, String operation, ObjectNode request, StreamedTable table)
            throws IOException {
        var asked = request.path("ReturnValues").asText("NONE");
        request.put("ReturnValues", "ALL_OLD");
        var reply = send(exchange, operation, json.writeValueAsBytes(request));
        if (reply.status() != 200) {
            return reply;
        }
        var response = (ObjectNode) json.readTree(reply.body());
        var oldImage = response.has("Attributes") ? (ObjectNode) response.get("Attributes") : null;
        ObjectNode newImage = switch (operation) {
            case "PutItem" -> (ObjectNode) request.get("Item");
            case "DeleteItem" -> null;
            default -> readItem(exchange, table, request.get("Key"));
        };
        String eventName = newImage == null ? (oldImage == null ? null : "REMOVE") : (oldImage == null ? "INSERT" : "MODIFY");
        if (eventName != null) {
            record(table, eventName, keysOf(table, newImage != null ? newImage : oldImage), oldImage, newImage);
        }
        response.remove("Attributes");
        switch (asked) {
            case "ALL_OLD" -> {
                if (oldImage != null) {
                    response.set("Attributes", oldImage);
                }
            }
            case "ALL_NEW" -> {
                if (newImage != null) {
                    response.set("Attributes", newImage);
                }
            }
            case "UPDATED_OLD" -> response.set("Attributes", changed(oldImage, newImage));
            case "UPDATED_NEW" -> response.set("Attributes", changed(newImage, oldImage));
            default -> {
                // NONE: no attributes
            }
        }
        return new Reply(200, reply.headers(), json.writeValueAsBytes(response));
    }

    /** The attributes of {@code image} whose values differ in {@code other}. */
    private ObjectNode changed(ObjectNode image, ObjectNode other) {
        var result = json.createObjectNode();
        if (image != null) {
            image.properties().forEach(e -> {
                if (other == null || !e.getValue().equals(other.get(e.getKey()))) {
                    result.set(e.getKey(), e.getValue());
                }
            });
        }
        return result;
    }

    private ObjectNode readItem(HttpExchange exchange, StreamedTable table, JsonNode key) throws IOException {
        var get = json.createObjectNode().put("TableName", table.tableName()).put("ConsistentRead", true);
        get.set("Key", key);
        var reply = send(exchange, "GetItem", json.writeValueAsBytes(get));
        var item = json.readTree(reply.body()).get("Item");
        return item == null ? null : (ObjectNode) item;
    }

    private Reply batchWrite(HttpExchange exchange, byte[] body) throws IOException {
        var request = json.readTree(body);
        boolean streamed = false;
        for (Iterator<String> names = request.path("RequestItems").fieldNames(); names.hasNext(); ) {
            streamed |= tables.containsKey(names.next());
        }
        if (!streamed) {
            return forward(exchange, body);
        }
        for (var entry : request.path("RequestItems").properties()) {
            for (var write : entry.getValue()) {
                var single = json.createObjectNode().put("TableName", entry.getKey());
                String operation;
                if (write.has("PutRequest")) {
                    operation = "PutItem";
                    single.set("Item", write.path("PutRequest").path("Item"));
                } else {
                    operation = "DeleteItem";
                    single.set("Key", write.path("DeleteRequest").path("Key"));
                }
                var table = tables.get(entry.getKey());
                var reply = table == null ? send(exchange, operation, json.writeValueAsBytes(single))
                        : recordedWrite(exchange, operation, single, table);
                if (reply.status() != 200) {
                    return reply;
                }
            }
        }
        return new Reply(200, Map.of(), "{\"UnprocessedItems\":{}}".getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode keysOf(StreamedTable table, ObjectNode image) {
        var keys = json.createObjectNode();
        table.keyNames().forEach(name -> keys.set(name, image.get(name)));
        return keys;
    }

    private void record(StreamedTable table, String eventName, ObjectNode keys, ObjectNode oldImage, ObjectNode newImage)
            throws IOException {
        var now = clock.instant();
        var change = json.createObjectNode();
        change.put("ApproximateCreationDateTime", now.getEpochSecond());
        change.set("Keys", keys);
        if (newImage != null && (table.viewType().equals("NEW_IMAGE") || table.viewType().equals("NEW_AND_OLD_IMAGES"))) {
            change.set("NewImage", newImage);
        }
        if (oldImage != null && (table.viewType().equals("OLD_IMAGE") || table.viewType().equals("NEW_AND_OLD_IMAGES"))) {
            change.set("OldImage", oldImage);
        }
        change.put("SequenceNumber", "");
        change.put("SizeBytes", json.writeValueAsBytes(keys).length
                + (newImage == null ? 0 : json.writeValueAsBytes(newImage).length)
                + (oldImage == null ? 0 : json.writeValueAsBytes(oldImage).length));
        change.put("StreamViewType", table.viewType());
        var record = json.createObjectNode()
                .put("eventID", UUID.randomUUID().toString().replace("-", ""))
                .put("eventName", eventName)
                .put("eventVersion", "1.1")
                .put("eventSource", "aws:dynamodb")
                .put("awsRegion", region);
        record.set("dynamodb", change);
        logFor(table).append(record, now);
    }

    private StreamRecordLog logFor(StreamedTable table) {
        return logs.computeIfAbsent(table.tableName(), name -> new StreamRecordLog(json,
                dataDir.map(dir -> dir.resolve("records-" + name + ".ndjson"))));
    }

    private Reply forward(HttpExchange exchange, byte[] body) throws IOException {
        var target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        return send(exchange, target == null ? null : target.substring(target.indexOf('.') + 1), body);
    }

    /** Sends {@code operation} to dynalite with the caller's signature headers (dynalite checks their shape only). */
    private Reply send(HttpExchange exchange, String operation, byte[] body) throws IOException {
        var request = HttpRequest.newBuilder(dynalite.resolve("/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/x-amz-json-1.0");
        if (operation != null) {
            request.header("X-Amz-Target", DYNAMODB + operation);
        }
        for (var name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
            var value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), Map.of(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- the DynamoDB Streams API

    private Reply streams(String operation, JsonNode request) throws IOException {
        ObjectNode response = switch (operation) {
            case "ListStreams" -> listStreams(request);
            case "DescribeStream" -> describeStream(request);
            case "GetShardIterator" -> getShardIterator(request);
            case "GetRecords" -> getRecords(request);
            default -> throw new StreamsError("UnknownOperationException", "unsupported operation " + operation);
        };
        return new Reply(200, Map.of(), json.writeValueAsBytes(response));
    }

    private ObjectNode listStreams(JsonNode request) {
        var response = json.createObjectNode();
        var streams = response.putArray("Streams");
        var only = request.path("TableName").asText(null);
        tables.values().stream()
                .filter(t -> only == null || t.tableName().equals(only))
                .sorted(java.util.Comparator.comparing(StreamedTable::streamArn))
                .forEach(t -> streams.addObject().put("StreamArn", t.streamArn()).put("TableName", t.tableName())
                        .put("StreamLabel", t.label()));
        return response;
    }

    private StreamedTable byArn(JsonNode request) {
        var arn = request.path("StreamArn").asText();
        return tables.values().stream().filter(t -> t.streamArn().equals(arn)).findFirst()
                .orElseThrow(() -> new StreamsError("ResourceNotFoundException", "Requested resource not found: Stream: "
                        + arn + " not found"));
    }

    private ObjectNode describeStream(JsonNode request) {
        var table = byArn(request);
        var response = json.createObjectNode();
        var description = response.putObject("StreamDescription")
                .put("StreamArn", table.streamArn())
                .put("StreamLabel", table.label())
                .put("StreamStatus", "ENABLED")
                .put("StreamViewType", table.viewType())
                .put("CreationRequestDateTime", table.createdAt().getEpochSecond())
                .put("TableName", table.tableName());
        description.set("KeySchema", table.keySchema());
        var shard = description.putArray("Shards").addObject().put("ShardId", table.shardId());
        shard.putObject("SequenceNumberRange").put("StartingSequenceNumber",
                logFor(table).oldestSequence().orElse(logFor(table).latestSequence()));
        return response;
    }

    private ObjectNode getShardIterator(JsonNode request) {
        var table = byArn(request);
        var shardId = request.path("ShardId").asText();
        if (!shardId.equals(table.shardId())) {
            throw new StreamsError("ResourceNotFoundException", "Requested resource not found: Shard: " + shardId
                    + " in Stream: " + table.streamArn() + " not found");
        }
        var type = request.path("ShardIteratorType").asText();
        var sequence = request.path("SequenceNumber").asText(null);
        String after = switch (type) {
            case "TRIM_HORIZON" -> "";
            case "LATEST" -> logFor(table).latestSequence();
            case "AT_SEQUENCE_NUMBER" -> new java.math.BigInteger(requireSequence(type, sequence))
                    .subtract(java.math.BigInteger.ONE).toString();
            case "AFTER_SEQUENCE_NUMBER" -> requireSequence(type, sequence);
            default -> throw new StreamsError("ValidationException", "1 validation error detected: Value '" + type
                    + "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]");
        };
        return json.createObjectNode().put("ShardIterator", iterator(table, after));
    }

    private static String requireSequence(String type, String sequence) {
        if (sequence == null || !sequence.matches("\\d{1,40}")) {
            throw new StreamsError("ValidationException", type + " needs a SequenceNumber, was " + sequence);
        }
        return sequence;
    }

    private String iterator(StreamedTable table, String after) {
        var text = table.streamArn() + "|" + table.shardId() + "|" + after + "|" + clock.millis();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode getRecords(JsonNode request) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(request.path("ShardIterator").asText()), StandardCharsets.UTF_8)
                    .split("\\|", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 4) {
            throw new StreamsError("ValidationException", "Invalid ShardIterator: " + request.path("ShardIterator").asText());
        }
        // AWS: an iterator expires 15 minutes after it is returned.
        if (clock.millis() - Long.parseLong(parts[3]) > Duration.ofMinutes(15).toMillis()) {
            throw new StreamsError("ExpiredIteratorException", "Iterator expired");
        }
        var arn = parts[0];
        var table = byArn(json.createObjectNode().put("StreamArn", arn));
        int limit = request.path("Limit").asInt(MAX_GET_RECORDS);
        if (limit < 1 || limit > MAX_GET_RECORDS) {
            throw new StreamsError("ValidationException", "Limit must be between 1 and 1000, was " + limit);
        }
        var records = logFor(table).after(parts[2].isEmpty() ? null : parts[2], limit);
        var response = json.createObjectNode();
        ArrayNode out = response.putArray("Records");
        records.forEach(out::add);
        var next = records.isEmpty() ? parts[2] : StreamRecordLog.sequenceOf(records.getLast());
        response.put("NextShardIterator", iterator(table, next));
        return response;
    }

    // ---------------------------------------------------------------- persistence of the stream settings

    private Optional<Path> tablesFile() {
        return dataDir.map(dir -> dir.resolve("streams.json"));
    }

    private void loadTables() {
        tablesFile().filter(Files::exists).ifPresent(file -> {
            try {
                for (var node : json.readTree(file.toFile())) {
                    var keyNames = new java.util.ArrayList<String>();
                    node.path("KeySchema").forEach(k -> keyNames.add(k.path("AttributeName").asText()));
                    tables.put(node.path("TableName").asText(), new StreamedTable(node.path("TableName").asText(),
                            node.path("StreamArn").asText(), node.path("StreamLabel").asText(),
                            node.path("StreamViewType").asText(), List.copyOf(keyNames), node.path("KeySchema"),
                            Instant.parse(node.path("CreatedAt").asText())));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        });
    }

    private synchronized void saveTables() throws IOException {
        var file = tablesFile();
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
        Files.move(temp, file.get(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        logs.values().forEach(StreamRecordLog::close);
    }
}
