package dev.tally.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.emulators.TallyHome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.tally.analytics.TestLake.credit;
import static dev.tally.analytics.TestLake.opened;
import static dev.tally.analytics.TestLake.withdrawal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by playwright-core through
 * {@code src/test/browser/dashboard-check.mjs}, opens the page from file:// with every network request aborted,
 * and reports what Chart.js drew. Skipped, saying how to install them, where Chromium or playwright-core is missing;
 * {@code ./tally test} installs both (Chromium with apt-get when it runs as root).
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHECK = Path.of("src/test/browser/dashboard-check.mjs");
    static final Path OUT = Path.of("target/dashboard-browser");
    /** Chromium starts in about a second here; this bounds a hung browser, not a slow one. */
    static final long TIMEOUT_SECONDS = 60;

    static final String A = "0a000000-0000-4000-8000-00000000000a";
    static final String B = "0b000000-0000-4000-8000-00000000000b";
    static final String C = "0c000000-0000-4000-8000-00000000000c";
    static final String D = "0d000000-0000-4000-8000-00000000000d";
    static final String E = "0e000000-0000-4000-8000-00000000000e";
    static final String F = "0f000000-0000-4000-8000-00000000000f";
    static final String G = "01000000-0000-4000-8000-000000000010";

    static Path home;

    @BeforeAll
    static void checkout() {
        home = TallyHome.locate();
    }

    /** Set by CI (.ci/run): there a missing browser fails the test instead of skipping it. */
    static final String REQUIRED = "TALLY_REQUIRE_BROWSER";

    /** Per test, not per class: so that each is reported as skipped, with the reason. */
    @BeforeEach
    void browser() {
        present(Files.isExecutable(CHROMIUM), "no headless Chromium at " + CHROMIUM + "; install Debian's "
                + "with apt-get install -y --no-install-recommends chromium (./tally test does this when run as root)");
        present(Files.isDirectory(home.resolve("node_modules/playwright-core")), "playwright-core is not "
                + "installed under " + home.resolve("node_modules") + "; run npm ci there (./tally runs it)");
    }

    private static void present(boolean present, String missing) {
        if (System.getenv(REQUIRED) != null) {
            assertThat(present).as(missing + " (" + REQUIRED + " is set, so this test must run)").isTrue();
        } else {
            assumeTrue(present, "SKIPPED: " + missing);
        }
    }

    /**
     * Five event dates, seven accounts, three copies delivered twice, and a ledger export that differs from the lake
     * in three ways. What each chart must draw follows from it:
     * <ul>
     *   <li>events per day: 3 types x 5 dates (no withdrawal on 03-02 is a point at zero); amounts: the 2 types
     *       that move money x 5 dates</li>
     *   <li>top movers on 03-05: A, B, C, D and E moved money (F only opened), 5 bars</li>
     *   <li>reconciliation: D differs (the table has its version 3, the lake not), F is missing in the events table,
     *       G in the lake, the rest are ok: 4 statuses</li>
     *   <li>overdraft audit: C overdrawn at version 3, D's version 4 follows a missing version, E's recorded balance
     *       differs from the replay: 3 problems</li>
     * </ul>
     */
    static Path knownLake(Path lake) {
        TestLake.writeCurrent(lake, List.of(
                opened(A, "2026-03-01T09:00:00Z"),
                credit(A, 2, 25_000, 25_000, "2026-03-01T09:05:00Z"),
                withdrawal(A, 3, 4_250, 20_750, "2026-03-01T17:00:00Z"),
                credit(A, 4, 8_000, 28_750, "2026-03-02T10:00:00Z"),
                withdrawal(A, 5, 12_000, 16_750, "2026-03-03T11:00:00Z"),
                credit(A, 6, 31_000, 47_750, "2026-03-05T09:30:00Z"),
                opened(B, "2026-03-01T12:00:00Z"),
                credit(B, 2, 50_000, 50_000, "2026-03-02T08:00:00Z"),
                withdrawal(B, 3, 7_525, 42_475, "2026-03-04T14:00:00Z"),
                withdrawal(B, 4, 13_000, 29_475, "2026-03-05T16:00:00Z"),
                opened(C, "2026-03-02T09:00:00Z"),
                credit(C, 2, 6_000, 6_000, "2026-03-02T09:10:00Z"),
                withdrawal(C, 3, 10_000, -4_000, "2026-03-03T12:00:00Z"),
                credit(C, 4, 5_500, 1_500, "2026-03-05T10:00:00Z"),
                opened(D, "2026-03-03T08:00:00Z"),
                credit(D, 2, 20_000, 20_000, "2026-03-03T08:30:00Z"),
                withdrawal(D, 4, 2_000, 16_000, "2026-03-05T11:00:00Z"),
                opened(E, "2026-03-04T10:00:00Z"),
                credit(E, 2, 100_000, 100_000, "2026-03-04T10:05:00Z"),
                withdrawal(E, 3, 25_000, 70_000, "2026-03-05T13:00:00Z"),
                opened(F, "2026-03-05T15:00:00Z")));
        // delivered twice (at least once): copies the reports must not count
        TestLake.writeCurrent(lake, List.of(
                credit(A, 2, 25_000, 25_000, "2026-03-01T09:05:00Z"),
                credit(B, 2, 50_000, 50_000, "2026-03-02T08:00:00Z"),
                withdrawal(E, 3, 25_000, 70_000, "2026-03-05T13:00:00Z")));
        var ledger = new TreeMap<String, LedgerExport.Account>(Map.of(
                A, new LedgerExport.Account(6, 6, 47_750),
                B, new LedgerExport.Account(4, 4, 29_475),
                C, new LedgerExport.Account(4, 4, 1_500),
                D, new LedgerExport.Account(4, 4, 16_000),
                E, new LedgerExport.Account(3, 3, 70_000),
                G, new LedgerExport.Account(2, 2, 1_000)));
        TestLake.writeLedger(lake, ledger);
        return lake;
    }

    @Test
    void every_chart_renders_the_points_of_a_known_lake_with_no_network_request() throws Exception {
        deleteRecursively(OUT);
        var lake = knownLake(Files.createDirectories(OUT.resolve("lake")));
        Dashboard dashboard;
        try (var engine = new DuckDbEngine(lake)) {
            dashboard = Dashboard.run(engine, "a known lake (DashboardBrowserTest)",
                    Clock.fixed(Instant.parse("2026-03-06T08:00:00Z"), ZoneOffset.UTC), Optional.empty());
        }
        var page = OUT.resolve("index.html");
        Files.writeString(page, DashboardPage.html(dashboard, DashboardPage.chartJs(home)));
        var screenshot = OUT.resolve("dashboard.png").toAbsolutePath();

        var report = check(page, screenshot);

        assertThat(report.path("error").isMissingNode()).as("the page finished drawing: %s", report).isTrue();
        assertThat(report.path("errors")).as("script errors").isEmpty();
        assertThat(sorted(report.path("charts"))).isEqualTo(Map.of(
                DashboardPage.DAILY_EVENTS, List.of(5, 5, 5),
                DashboardPage.DAILY_AMOUNTS, List.of(5, 5),
                DashboardPage.TOP_MOVERS, List.of(5),
                DashboardPage.RECONCILIATION, List.of(4),
                DashboardPage.OVERDRAFT_AUDIT, List.of(3)));
        assertThat(report.path("requests")).as("network requests").isEmpty();
        assertThat(report.path("failedRequests")).as("failed requests").isEmpty();
        assertThat(report.path("sql").findValuesAsText("report"))
                .containsExactly("daily-totals", "top-movers", "reconciliation", "overdraft-audit");
        assertThat(report.path("sql").findValues("chars")).allSatisfy(chars -> assertThat(chars.asInt()).isGreaterThan(200));

        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).as("a screenshot with something on it").isGreaterThan(50_000);
        var image = ImageIO.read(screenshot.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).as("the full page, beyond the first screen").isGreaterThan(900);
    }

    /** The check itself can fail: a page that asks for anything is caught asking. */
    @Test
    void the_check_records_every_request_a_page_makes() throws Exception {
        Files.createDirectories(OUT);
        var page = OUT.resolve("asks-the-network.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><body><img src="http://127.0.0.1:9/pixel.png">
                <script>document.body.dataset.rendered = 'true';</script></body></html>
                """);

        var report = check(page, OUT.resolve("asks-the-network.png").toAbsolutePath());

        assertThat(report.path("requests").toString()).contains("http://127.0.0.1:9/pixel.png");
        assertThat(report.path("failedRequests").toString()).contains("http://127.0.0.1:9/pixel.png");
        assertThat(report.path("charts")).isEmpty();
    }

    /** Runs the browser check on {@code page} and returns its JSON report. */
    private static JsonNode check(Path page, Path screenshot) throws IOException, InterruptedException {
        var stdout = OUT.resolve(page.getFileName() + ".out.json");
        var stderr = OUT.resolve(page.getFileName() + ".err.txt");
        var process = new ProcessBuilder("node", CHECK.toAbsolutePath().toString(), page.toAbsolutePath().toString(),
                screenshot.toString(), CHROMIUM.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the browser check did not finish in " + TIMEOUT_SECONDS + " s; stderr: "
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        var output = Files.readString(stdout, StandardCharsets.UTF_8);
        if (output.isBlank()) {
            throw new AssertionError("the browser check printed nothing (exit " + process.exitValue() + "); stderr: "
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return new ObjectMapper().readTree(output);
    }

    private static Map<String, List<Integer>> sorted(JsonNode charts) {
        var counts = new TreeMap<String, List<Integer>>();
        charts.properties().forEach(e -> {
            var perDataset = new java.util.ArrayList<Integer>();
            e.getValue().forEach(n -> perDataset.add(n.asInt()));
            counts.put(e.getKey(), perDataset);
        });
        return counts;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
