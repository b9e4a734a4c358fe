package dev.tally.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * An AWS JSON 1.1 protocol endpoint on 127.0.0.1, as the Firehose and Athena stand-ins serve it: each request is a
 * POST whose {@code X-Amz-Target} header names {@code <prefix><Operation>} and whose body is a JSON object; a
 * {@link Fault} becomes HTTP 400 with {@code __type} and the message, which the SDK maps to its modelled exception.
 */
final class AwsJsonService implements AutoCloseable {

    /** An operation's answer. */
    interface Operations {
        ObjectNode handle(String operation, JsonNode request);
    }

    /** An error the service returns to the client, with the AWS error code as its type. */
    static final class Fault extends RuntimeException {
        final String type;

        Fault(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String targetPrefix;
    private final String messageField;
    private final Operations operations;
    private final HttpServer server;

    /**
     * @param messageField {@code message} or {@code Message}: services differ in the error field's case
     */
    AwsJsonService(String name, int port, int threads, String targetPrefix, String messageField, Operations operations) {
        this.targetPrefix = targetPrefix;
        this.messageField = messageField;
        this.operations = operations;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for the " + name
                    + " stand-in (is it in use? pick another port)", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(threads, Thread.ofPlatform().name(name + "-api-", 0).daemon().factory()));
        server.createContext("/", this::serve);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            int status = 200;
            byte[] body;
            try {
                if (!target.startsWith(targetPrefix)) {
                    throw new Fault("UnknownOperationException", "unknown target " + target);
                }
                var request = json.readTree(exchange.getRequestBody().readAllBytes());
                body = json.writeValueAsBytes(operations.handle(target.substring(targetPrefix.length()), request));
            } catch (Fault e) {
                status = 400;
                body = json.writeValueAsBytes(json.createObjectNode().put("__type", e.type).put(messageField, e.getMessage()));
            } catch (RuntimeException e) {
                status = 500;
                body = json.writeValueAsBytes(json.createObjectNode().put("__type", "ServiceUnavailableException")
                        .put(messageField, "local stand-in: " + e));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
