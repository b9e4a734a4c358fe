package dev.tally.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tally.standins.http.LoopbackServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serves the lake dashboard on 127.0.0.1 while {@code ./tally up} runs. {@code GET /} answers the page, made anew
 * from the lake when the last one is older than its freshness (a few seconds: Firehose buffers longer than that
 * anyway). One page is made at a time: requests that arrive meanwhile wait for it and are answered with it, so a
 * reload storm costs one lake sync, not one each.
 */
final class DashboardServer implements AutoCloseable {

    /** How long a page is served before a request makes a new one. */
    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    /** A page, or why it could not be made; {@code startedAt} is when making it began, {@code endedAt} when it ended. */
    private record Page(String html, RuntimeException failure, Instant startedAt, Instant endedAt) {
        String htmlOrThrow() {
            if (failure != null) {
                throw failure;
            }
            return html;
        }
    }

    private final Supplier<String> makePage;
    private final InstantSource clock;
    private final Duration freshFor;
    private final ReentrantLock making = new ReentrantLock();
    private final HttpServer server;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Page current;

    /**
     * Starts serving on 127.0.0.1:{@code port} (0 picks a free one).
     *
     * @param makePage makes the page from the lake as it is now; it may fail (with the message shown to the reader)
     */
    DashboardServer(int port, Supplier<String> makePage, InstantSource clock, Duration freshFor) {
        this.makePage = makePage;
        this.clock = clock;
        this.freshFor = freshFor;
        try {
            server = LoopbackServer.create(port, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the dashboard on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(requests);
        server.start();
    }

    /** Where it listens: 127.0.0.1, never a public interface. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    URI url() {
        return URI.create("http://" + address().getAddress().getHostAddress() + ":" + address().getPort() + "/");
    }

    /** Requests waiting for the page being made: for tests. */
    int waitingForPage() {
        return making.getQueueLength();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath();
            var method = exchange.getRequestMethod();
            var host = exchange.getRequestHeaders().getFirst("Host");
            int port = address().getPort();
            if (!("127.0.0.1:" + port).equals(host) && !("localhost:" + port).equals(host)) {
                // another site's page in the same browser (or a DNS rebinding) reaches 127.0.0.1 under its own name
                respond(exchange, 403, "text/plain", "forbidden: the dashboard answers only to 127.0.0.1:" + port
                        + " or localhost:" + port);
            } else if (!path.equals("/") && !path.equals("/index.html")) {
                respond(exchange, 404, "text/plain", "not found: the dashboard is at /");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain", "method " + method + " not allowed");
            } else {
                String html;
                try {
                    html = page();
                } catch (RuntimeException e) {
                    respond(exchange, 503, "text/plain", "the dashboard could not be made from the lake: " + e.getMessage()
                            + "\nReload to try again; ./tally dashboard shows each step.");
                    return;
                }
                respond(exchange, 200, "text/html", html);
            }
        }
    }

    /**
     * The current page, made anew if it is stale: by this request, or by the one already making it. A request that
     * waited takes whatever ended after it arrived, page or failure, however long making it took, so a reload storm
     * costs one attempt. A failure is kept as long as a page would be.
     */
    private String page() {
        var arrived = clock.instant();
        var page = current;
        if (fresh(page)) {
            return page.htmlOrThrow();
        }
        making.lock();
        try {
            page = current;
            if (fresh(page) || page != null && !page.endedAt().isBefore(arrived)) {
                return page.htmlOrThrow(); // made, or failed, while this request waited
            }
            var startedAt = clock.instant();
            try {
                page = new Page(makePage.get(), null, startedAt, clock.instant());
            } catch (RuntimeException e) {
                page = new Page(null, e, startedAt, clock.instant());
            }
            current = page;
            return page.htmlOrThrow();
        } finally {
            making.unlock();
        }
    }

    private boolean fresh(Page page) {
        return page != null && clock.instant().isBefore(page.startedAt().plus(freshFor));
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        LoopbackServer.respond(exchange, status, type + "; charset=utf-8", body);
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow(); // a page being made from a hung lake must not hold up Ctrl-C
        try {
            requests.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
