package dev.tally.standins.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

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
}
