package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import dev.tally.standins.http.JdkHttpClients;
import dev.tally.standins.json.AwsJsonService.Fault;
import dev.tally.standins.json.AwsJsonService.Reply;

import java.io.IOException;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * The DynamoDB side of the stand-in: every DynamoDB call goes on to dynalite with the caller's signature headers
 * (dynalite checks their shape only), and a successful write to a stream-enabled table is recorded in the shape
 * of the <a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html">Streams
 * Record</a>.
 *
 * <ul>
 *   <li>CreateTable with a {@code StreamSpecification} (which dynalite drops) enables the stream, and CreateTable
 *   and DescribeTable answers gain {@code StreamSpecification}, {@code LatestStreamArn} and
 *   {@code LatestStreamLabel}.</li>
 *   <li>PutItem, UpdateItem and DeleteItem go on asking for {@code ALL_OLD}, so the proxy knows whether a write was
 *   an INSERT, a MODIFY or a REMOVE; the client still gets the return values it asked for. UpdateItem's new image
 *   is read back with a consistent GetItem. BatchWriteItem touching a stream-enabled table is carried out as single
 *   writes (a batch write is not atomic in DynamoDB either).</li>
 * </ul>
 */
final class DynamoDbProxy {

    static final String TARGET = "DynamoDB_20120810.";
    private static final String ACCOUNT = "000000000000";
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<String> VIEW_TYPES = Set.of("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES");

    private final ObjectMapper json;
    private final URI dynalite;
    private final String region;
    private final Clock clock;
    private final StreamedTables tables;
    private final TableMeters meters = new TableMeters();
    private final ReentrantLock[] partitionLocks = IntStream.range(0, 256).mapToObj(i -> new ReentrantLock())
            .toArray(ReentrantLock[]::new);

    DynamoDbProxy(ObjectMapper json, URI dynalite, String region, Clock clock, StreamedTables tables) {
        JdkHttpClients.noSilentPostRetries();
        this.json = json;
        this.dynalite = dynalite;
        this.region = region;
        this.clock = clock;
        this.tables = tables;
    }

    /**
     * A request that is not for the Streams API: any target names a DynamoDB operation by what follows its
     * {@code .}, and a request without one goes on without one.
     */
    Reply handle(Optional<String> target, Headers headers, byte[] body) throws IOException {
        var operation = target.map(t -> t.substring(t.indexOf('.') + 1));
        if (target.isEmpty() || !target.get().startsWith(TARGET)) {
            return send(headers, operation, body);
        }
        return switch (operation.get()) {
            case "CreateTable" -> createTable(headers, body);
            case "DescribeTable" -> describeTable(headers, body);
            case "PutItem", "DeleteItem", "UpdateItem" -> metered(operation.get(), body, true, request -> {
                var table = tables.byName(request.path("TableName").asText());
                return table.isEmpty() ? Answer.of(send(headers, operation, json.writeValueAsBytes(request)))
                        : recordedWrite(headers, operation.get(), request, table.get());
            });
            case "GetItem", "Query", "Scan", "BatchGetItem" -> metered(operation.get(), body, false,
                    request -> Answer.of(send(headers, operation, json.writeValueAsBytes(request))));
            case "BatchWriteItem" -> batchWrite(headers, body);
            default -> send(headers, operation, body);
        };
    }

    /** A request's journey to dynalite, given the request as parsed and measured. */
    private interface Forward {
        Answer apply(ObjectNode request) throws IOException;
    }

    /**
     * What came back from dynalite: as bytes, or, where the proxy had to parse and change it (a recorded write), as
     * the parsed answer, serialized once, by whoever sends it on.
     */
    private record Answer(int status, byte[] body, ObjectNode parsed) {
        static Answer of(Reply reply) {
            return new Answer(reply.status(), reply.body(), null);
        }

        static Answer parsed(ObjectNode response) {
            return new Answer(200, null, response);
        }

        Reply reply(ObjectMapper json) throws IOException {
            return new Reply(status, parsed != null ? json.writeValueAsBytes(parsed) : body);
        }
    }

    /**
     * Forwards a request asking for its consumed capacity, and keeps what CloudWatch would count of it
     * ({@link TableMetrics}); the client gets the capacity only if it asked for it.
     */
    private Reply metered(String operation, byte[] body, boolean write, Forward forward) throws IOException {
        var request = (ObjectNode) json.readTree(body);
        var table = request.path("TableName").asText();
        var asked = request.path("ReturnConsumedCapacity").asText("NONE");
        if (asked.equals("NONE")) {
            request.put("ReturnConsumedCapacity", "TOTAL");
        }
        var answer = forward.apply(request);
        if (answer.status() != 200) {
            var reply = answer.reply(json);
            if (reply.status() == 400 && new String(reply.body(), StandardCharsets.UTF_8).contains("ConditionalCheckFailedException")) {
                meters.conditionalCheckFailed(table);
            }
            return reply;
        }
        boolean counted = operation.equals("Query") || operation.equals("Scan");
        if (answer.parsed() == null) {
            return meterStreamed(table, answer.body(), write, counted, !asked.equals("NONE"));
        }
        var response = answer.parsed();
        meters.consumed(response.path("ConsumedCapacity"), write);
        if (counted) {
            meters.returnedItems(table, response.path("Count").asLong(0));
        }
        if (asked.equals("NONE")) {
            response.remove("ConsumedCapacity");
        }
        return answer.reply(json);
    }

    /**
     * Meters an answer as it came from dynalite, in one streaming pass: the consumed capacity and the count are
     * read, every other field is copied as it is, and the capacity is left out if the client did not ask for it. A
     * Query's items are never built into a tree, which was most of the proxy's cost on the read path.
     */
    private Reply meterStreamed(String table, byte[] body, boolean write, boolean counted, boolean keepCapacity)
            throws IOException {
        // the answer goes back as it came when the client asked for the capacity, else copied without it
        var copy = keepCapacity ? null : new java.io.ByteArrayOutputStream(body.length);
        JsonNode consumed = null;
        long count = 0;
        try (var parser = json.createParser(body); var out = copy == null ? null : json.createGenerator(copy)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException("dynalite's answer is not a JSON object");
            }
            if (out != null) {
                out.writeStartObject();
            }
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                var name = parser.currentName();
                parser.nextToken();
                if (name.equals("ConsumedCapacity")) {
                    consumed = parser.readValueAsTree();
                    continue;
                }
                if (name.equals("Count") && parser.currentToken().isNumeric()) {
                    count = parser.getLongValue();
                }
                if (out == null) {
                    parser.skipChildren();
                } else {
                    out.writeFieldName(name);
                    out.copyCurrentStructure(parser);
                }
            }
            if (out != null) {
                out.writeEndObject();
            }
        }
        meters.consumed(consumed == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : consumed, write);
        if (counted) {
            meters.returnedItems(table, count);
        }
        return new Reply(200, copy == null ? body : copy.toByteArray());
    }

    /** What CloudWatch would show of {@code table} since the proxy started. */
    TableMetrics tableMetrics(String table) {
        return meters.get(table);
    }

    /** {@link #tableMetrics} of every table that has any, by table name. */
    Map<String, TableMetrics> tableMetrics() {
        return meters.all();
    }

    private Reply createTable(Headers headers, byte[] body) throws IOException {
        var request = (ObjectNode) json.readTree(body);
        var spec = request.path("StreamSpecification");
        boolean enabled = spec.path("StreamEnabled").asBoolean(false);
        if (enabled && !VIEW_TYPES.contains(spec.path("StreamViewType").asText())) {
            throw new Fault("ValidationException", "StreamViewType must be one of " + VIEW_TYPES + ", was "
                    + spec.path("StreamViewType").asText());
        }
        var reply = send(headers, Optional.of("CreateTable"), body);
        if (reply.status() == 200 && enabled) {
            var name = request.path("TableName").asText();
            var now = clock.instant();
            var label = LABEL.format(now);
            var table = new StreamedTable(name, "arn:aws:dynamodb:" + region + ":" + ACCOUNT + ":table/" + name
                    + "/stream/" + label, label, spec.path("StreamViewType").asText(),
                    StreamedTables.keyNames(request.path("KeySchema")), request.path("KeySchema"), now);
            tables.enable(table);
            return withStream(reply, "TableDescription", table);
        }
        return reply;
    }

    private Reply describeTable(Headers headers, byte[] body) throws IOException {
        var reply = send(headers, Optional.of("DescribeTable"), body);
        var table = tables.byName(json.readTree(body).path("TableName").asText());
        return reply.status() == 200 && table.isPresent() ? withStream(reply, "Table", table.get()) : reply;
    }

    private Reply withStream(Reply reply, String field, StreamedTable table) throws IOException {
        var response = (ObjectNode) json.readTree(reply.body());
        var description = (ObjectNode) response.path(field);
        description.putObject("StreamSpecification").put("StreamEnabled", true).put("StreamViewType", table.viewType());
        description.put("LatestStreamArn", table.streamArn());
        description.put("LatestStreamLabel", table.label());
        return new Reply(reply.status(), json.writeValueAsBytes(response));
    }

    /**
     * A single write to a stream-enabled table, forwarded and recorded under its partition key's lock. In AWS a
     * partition's stream records are in the order its writes were applied; without the lock, two writes to one
     * partition key (two versions of one account) could complete at dynalite in one order and be recorded in the
     * other, because each is recorded only after dynalite answers.
     */
    private Answer recordedWrite(Headers headers, String operation, ObjectNode request, StreamedTable table) throws IOException {
        var lock = partitionLock(table, request);
        lock.lock();
        try {
            return forwardAndRecord(headers, operation, request, table);
        } finally {
            lock.unlock();
        }
    }

    /** Striped by table and partition key value: writes to other partition keys mostly proceed in parallel. */
    private ReentrantLock partitionLock(StreamedTable table, ObjectNode request) {
        String hashKey = null;
        for (var element : table.keySchema()) {
            if ("HASH".equals(element.path("KeyType").asText())) {
                hashKey = element.path("AttributeName").asText();
            }
        }
        var item = request.has("Item") ? request.get("Item") : request.path("Key");
        var value = hashKey == null ? "" : item.path(hashKey).toString();
        return partitionLocks[Math.floorMod((table.tableName() + "|" + value).hashCode(), partitionLocks.length)];
    }

    /** Sent asking for the old image, then recorded. */
    private Answer forwardAndRecord(Headers headers, String operation, ObjectNode request, StreamedTable table) throws IOException {
        var asked = request.path("ReturnValues").asText("NONE");
        request.put("ReturnValues", "ALL_OLD");
        var reply = send(headers, Optional.of(operation), json.writeValueAsBytes(request));
        if (reply.status() != 200) {
            return Answer.of(reply);
        }
        var response = (ObjectNode) json.readTree(reply.body());
        var oldImage = response.has("Attributes") ? (ObjectNode) response.get("Attributes") : null;
        ObjectNode newImage = switch (operation) {
            case "PutItem" -> (ObjectNode) request.get("Item");
            case "DeleteItem" -> null;
            default -> readItem(headers, table, request.get("Key"));
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
        return Answer.parsed(response);
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

    private ObjectNode readItem(Headers headers, StreamedTable table, JsonNode key) throws IOException {
        var get = json.createObjectNode().put("TableName", table.tableName()).put("ConsistentRead", true);
        get.set("Key", key);
        var reply = send(headers, Optional.of("GetItem"), json.writeValueAsBytes(get));
        var item = json.readTree(reply.body()).get("Item");
        return item == null ? null : (ObjectNode) item;
    }

    private Reply batchWrite(Headers headers, byte[] body) throws IOException {
        var request = json.readTree(body);
        boolean streamed = false;
        for (var names = request.path("RequestItems").fieldNames(); names.hasNext(); ) {
            streamed |= tables.byName(names.next()).isPresent();
        }
        if (!streamed) {
            return metered("BatchWriteItem", body, true, whole -> Answer.of(send(headers, Optional.of("BatchWriteItem"),
                    json.writeValueAsBytes(whole))));
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
                var table = tables.byName(entry.getKey());
                var answer = table.isEmpty() ? Answer.of(send(headers, Optional.of(operation), json.writeValueAsBytes(single)))
                        : recordedWrite(headers, operation, single, table.get());
                if (answer.status() != 200) {
                    return answer.reply(json);
                }
            }
        }
        return new Reply(200, "{\"UnprocessedItems\":{}}".getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode keysOf(StreamedTable table, ObjectNode image) {
        var keys = json.createObjectNode();
        table.keyNames().forEach(name -> keys.set(name, image.get(name)));
        return keys;
    }

    /** Appends a record with the images the stream's view type keeps; the log assigns its sequence number. */
    private void record(StreamedTable table, String eventName, ObjectNode keys, ObjectNode oldImage, ObjectNode newImage)
            throws IOException {
        var now = clock.instant();
        var change = json.createObjectNode();
        change.put("ApproximateCreationDateTime", now.getEpochSecond());
        change.set("Keys", keys);
        if (newImage != null && table.recordsNewImage()) {
            change.set("NewImage", newImage);
        }
        if (oldImage != null && table.recordsOldImage()) {
            change.set("OldImage", oldImage);
        }
        // the record's size as serialized, measured once (the keys and images dominate it)
        int size = json.writeValueAsBytes(change).length;
        change.put("SequenceNumber", "");
        change.put("SizeBytes", size);
        change.put("StreamViewType", table.viewType());
        var random = ThreadLocalRandom.current();
        // an opaque unique id, not a secret: no need for UUID.randomUUID's shared SecureRandom on every write
        var record = json.createObjectNode()
                .put("eventID", HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong()))
                .put("eventName", eventName)
                .put("eventVersion", "1.1")
                .put("eventSource", "aws:dynamodb")
                .put("awsRegion", region);
        record.set("dynamodb", change);
        tables.log(table).append(record, now);
    }

    /**
     * Sends {@code operation} to dynalite with the caller's signature headers. Through {@link HttpURLConnection}, on
     * the calling thread over a kept-alive connection: the JDK's {@code HttpClient} hands every exchange to its
     * selector thread and back, which on a busy machine cost more than the call itself.
     *
     * <p>The body is buffered, not streamed. Before a streamed POST on a kept-alive connection the JDK checks that
     * the connection is still open by reading it with a 1 ms timeout ({@code sun.net.www.http.HttpClient.available}),
     * which on a live connection waits the timeout out and throws and catches a {@code SocketTimeoutException}, on
     * every call: B3's API rate at concurrency 1 went from 64 to 120 credits/s without it (each credit makes two
     * calls). Without that check a connection dynalite has just closed (Node's keep-alive timeout) fails the call,
     * which is answered with a 500 that the SDK retries; nothing reached dynalite. Buffered, the JDK would also send
     * a POST again by itself after a broken connection, which may repeat a write that was applied; whether to send
     * it again is the caller's choice (the SDK retries as against DynamoDB), so that is turned off
     * ({@link JdkHttpClients#noSilentPostRetries}: read once per process, so the local stack and the CLI set it
     * before their first connection, and this constructor too, for a process that did not).
     */
    private Reply send(Headers headers, Optional<String> operation, byte[] body) throws IOException {
        var connection = (HttpURLConnection) dynalite.resolve("/").toURL().openConnection();
        try {
            connection.setRequestMethod("POST");
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
            operation.ifPresent(o -> connection.setRequestProperty("X-Amz-Target", TARGET + o));
            for (var name : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
                var value = headers.getFirst(name);
                if (value != null) {
                    connection.setRequestProperty(name, value);
                }
            }
            try (var out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            var stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            // read to the end, so that the connection goes back to the keep-alive pool
            byte[] answer = stream == null ? new byte[0] : stream.readAllBytes();
            if (stream != null) {
                stream.close();
            }
            return new Reply(status, answer);
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }
}
