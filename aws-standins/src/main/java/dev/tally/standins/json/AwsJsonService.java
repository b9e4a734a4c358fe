package dev.tally.standins.json;

import dev.tally.standins.http.LoopbackServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * An AWS JSON protocol endpoint on 127.0.0.1, as the stand-ins serve it: each request is a POST whose
 * {@code X-Amz-Target} header names {@code <prefix><Operation>} and whose body is a JSON object; a {@link Fault}
 * becomes HTTP 400 with {@code __type} and the message, which the SDK maps to its modelled exception, and any other
 * failure HTTP 500, which the SDK retries. A {@link Dialect} says how the service spells the protocol. A request
 * whose target is outside the prefix is an {@code UnknownOperationException}, or goes to the {@link Passthrough} of
 * a service that shares its port with another (the DynamoDB Streams stand-in proxies DynamoDB on the same port).
 */
public final class AwsJsonService implements AutoCloseable {

    /** An operation's answer. */
    public interface Operations {
        ObjectNode handle(String operation, JsonNode request);
    }

    /** The answer to a request outside the service's target prefix, sent as it is. */
    public interface Passthrough {
        /** @param target the request's {@code X-Amz-Target}, if it has one */
        Reply handle(Optional<String> target, Headers headers, byte[] body) throws IOException;
    }

    /** A response of a {@link Passthrough}: its status and body (empty for none). */
    public record Reply(int status, byte[] body) {
    }

    /** An error the service returns to the client, with the AWS error code as its type. */
    public static final class Fault extends RuntimeException {
        public final String type;

        public Fault(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    /**
     * How one service spells the AWS JSON protocol.
     *
     * @param version           {@code 1.0} or {@code 1.1}: the content type is {@code application/x-amz-json-<version>}
     * @param errorTypePrefix   put before a fault's type in {@code __type}: empty, or a namespace such as
     *                          {@code com.amazonaws.dynamodb.v20120810#} (the SDK reads the part after {@code #})
     * @param messageField      {@code message} or {@code Message}: services differ in the error field's case
     * @param internalErrorType the error code of a failure that is not a fault (HTTP 500)
     * @param crc32             whether every response carries {@code x-amz-crc32}, the checksum of its body, as
     *                          DynamoDB's do (its SDK client checks it)
     */
    public record Dialect(String version, String errorTypePrefix, String messageField, String internalErrorType, boolean crc32) {

        /** JSON 1.1 with bare error codes and {@code ServiceUnavailableException} for internal failures. */
        public static Dialect json11(String messageField) {
            return new Dialect("1.1", "", messageField, "ServiceUnavailableException", false);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Dialect dialect;
    private final String targetPrefix;
    private final Operations operations;
    private final Optional<Passthrough> passthrough;
    private final ExecutorService workers;
    private final HttpServer server;

    /** A service in the {@link Dialect#json11} dialect. */
    public AwsJsonService(String name, int port, int threads, String targetPrefix, String messageField, Operations operations) {
        this(name, port, threads, Dialect.json11(messageField), targetPrefix, operations, Optional.empty());
    }

    /**
     * @param name        for the thread names and errors
     * @param threads     how many requests are served at once
     * @param passthrough where requests outside {@code targetPrefix} go; without one they are refused
     */
    public AwsJsonService(String name, int port, int threads, Dialect dialect, String targetPrefix, Operations operations,
                          Optional<Passthrough> passthrough) {
        this.dialect = dialect;
        this.targetPrefix = targetPrefix;
        this.operations = operations;
        this.passthrough = passthrough;
        try {
            // a backlog of 8 connections per thread absorbs a burst of clients connecting at once
            server = LoopbackServer.create(port, Math.max(128, 8 * threads));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for the " + name
                    + " stand-in (is it in use? pick another port)", e);
        }
        workers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name(name + "-api-", 0).daemon().factory());
        server.setExecutor(workers);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            Reply reply;
            try {
                var body = exchange.getRequestBody().readAllBytes();
                if (target.isPresent() && target.get().startsWith(targetPrefix)) {
                    var answer = operations.handle(target.get().substring(targetPrefix.length()), json.readTree(body));
                    reply = new Reply(200, json.writeValueAsBytes(answer));
                } else if (passthrough.isPresent()) {
                    reply = passthrough.get().handle(target, exchange.getRequestHeaders(), body);
                } else {
                    throw new Fault("UnknownOperationException", "unknown target " + target.orElse(""));
                }
            } catch (Fault e) {
                reply = error(400, e.type, e.getMessage());
            } catch (IOException | RuntimeException e) {
                reply = error(500, dialect.internalErrorType(), "local stand-in: " + e);
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "application/x-amz-json-" + dialect.version());
            if (dialect.crc32()) {
                var crc = new CRC32();
                crc.update(reply.body());
                // the SDK checks this against the body as sent, including any body a passthrough rewrote
                headers.set("x-amz-crc32", Long.toString(crc.getValue()));
            }
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                exchange.getResponseBody().write(reply.body());
            }
        }
    }

    private Reply error(int status, String type, String message) throws IOException {
        return new Reply(status, json.writeValueAsBytes(json.createObjectNode()
                .put("__type", dialect.errorTypePrefix() + type).put(dialect.messageField(), message)));
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
