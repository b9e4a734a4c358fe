package dev.tally.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What ./tally up's dashboard server answers, and when it makes the page anew. Pages are made by a counter here. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DashboardServerTest {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-06T08:00:00Z"));
    final AtomicInteger made = new AtomicInteger();
    final HttpClient http = HttpClient.newHttpClient();
    DashboardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_page_is_served_until_it_is_stale_and_then_made_anew() throws Exception {
        server = new DashboardServer(0, () -> "<p>page " + made.incrementAndGet() + "</p>", now::get, FRESH_FOR);

        var first = get("/");
        now.set(now.get().plus(FRESH_FOR).minusMillis(1));
        var stillFresh = get("/index.html");
        now.set(now.get().plusMillis(1));
        var stale = get("/");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(first.body()).isEqualTo("<p>page 1</p>");
        assertThat(stillFresh.body()).isEqualTo("<p>page 1</p>");
        assertThat(stale.body()).isEqualTo("<p>page 2</p>");
    }

    @Test
    void requests_that_arrive_while_a_page_is_made_wait_for_it_and_none_makes_another_however_long_it_took() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        server = new DashboardServer(0, () -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            now.set(now.get().plus(FRESH_FOR.multipliedBy(3))); // slower than a page stays fresh
            return "<p>page " + made.incrementAndGet() + "</p>";
        }, now::get, FRESH_FOR);

        var responses = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        responses.add(http.sendAsync(HttpRequest.newBuilder(server.url()).build(), HttpResponse.BodyHandlers.ofString()));
        entered.await();
        for (int i = 0; i < 7; i++) {
            responses.add(http.sendAsync(HttpRequest.newBuilder(server.url()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.waitingForPage() == 7);
        release.countDown();

        for (var response : responses) {
            assertThat(response.get().body()).isEqualTo("<p>page 1</p>");
        }
        assertThat(made).hasValue(1);
    }

    @Test
    void a_page_that_cannot_be_made_is_a_503_naming_why_until_it_is_stale_and_then_tried_again() throws Exception {
        var failing = new AtomicReference<>(true);
        var attempts = new AtomicInteger();
        server = new DashboardServer(0, () -> {
            attempts.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("no local stack is running; start one with ./tally up");
            }
            return "<p>page</p>";
        }, now::get, FRESH_FOR);

        var failed = get("/");
        failing.set(false);
        var reloaded = get("/");
        now.set(now.get().plus(FRESH_FOR));
        var retried = get("/");

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.body()).contains("no local stack is running");
        assertThat(reloaded.statusCode()).as("a reload storm against a broken lake costs one attempt").isEqualTo(503);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void it_listens_on_loopback_only_and_serves_nothing_but_the_page() throws Exception {
        server = new DashboardServer(0, () -> "<p>page</p>", now::get, FRESH_FOR);

        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.url().getHost()).isEqualTo("127.0.0.1");
        assertThat(get("/favicon.ico").statusCode()).isEqualTo(404);
        var post = http.send(HttpRequest.newBuilder(server.url()).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(made).hasValue(0);
    }

    /** Another site's page, or a DNS rebinding, reaches 127.0.0.1 with its own host name: it gets nothing. */
    @Test
    void a_request_for_any_other_host_name_is_forbidden_and_makes_no_page() throws Exception {
        server = new DashboardServer(0, () -> "<p>page " + made.incrementAndGet() + "</p>", now::get, FRESH_FOR);
        int port = server.address().getPort();

        assertThat(statusLine("evil.example:" + port)).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(statusLine("127.0.0.1.evil.example:" + port)).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(made).hasValue(0);
        assertThat(statusLine("localhost:" + port)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    /** The HTTP client cannot set Host, so a plain socket asks. */
    private String statusLine(String host) throws Exception {
        try (var socket = new java.net.Socket(server.address().getAddress(), server.address().getPort())) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            return reader.readLine();
        }
    }
}
