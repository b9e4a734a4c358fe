package dev.tally.standins.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The JDK's HTTP server on 127.0.0.1, as every stand-in serves. */
public final class LoopbackServer {

    private LoopbackServer() {
    }

    /**
     * A server on 127.0.0.1:{@code port} (0 picks a free one), not yet started.
     *
     * <p>With {@code TCP_NODELAY}: the JDK's server writes a response's headers and its body in separate segments, and
     * without it Nagle's algorithm holds the body until the client acknowledges the headers, which a client delaying
     * its acknowledgements makes tens of milliseconds per call. The JDK reads the setting once, when its first server
     * starts, so it is set here, before every stand-in's server.
     */
    public static HttpServer create(int port, int backlog) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    }

    /** Answers {@code status} with {@code body} (its length declared), or with the headers alone to a HEAD request. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }
}
