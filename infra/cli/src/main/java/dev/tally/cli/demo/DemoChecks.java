package dev.tally.cli.demo;

import dev.tally.cli.ConditionWait;
import dev.tally.cli.load.ApiClient;
import dev.tally.devstack.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

/** The demo's bookkeeping: progress lines, checks and their failures, waiting, and the helpers every step uses. */
final class DemoChecks {

    private final Progress progress;
    private final List<String> failures = new ArrayList<>();
    private int count;

    DemoChecks(Progress progress) {
        this.progress = progress;
    }

    void step(String message) {
        progress.step(message);
    }

    void check(String what, boolean held, String evidence) {
        count++;
        if (!held) {
            failures.add(what + (evidence.isEmpty() ? "" : " (got " + evidence + ")"));
            System.out.println("          FAILED: " + what);
        }
    }

    void check(Claim claim) {
        check(claim.statement(), claim.held(), claim.evidence());
    }

    void check(List<Claim> claims) {
        claims.forEach(this::check);
    }

    /**
     * Reads until {@code met} holds or {@code atMost} passes, printing {@code waiting} now and then, and returns the
     * last reading. A timeout is printed and the caller's checks on that reading then fail with their evidence.
     */
    <T> T waitFor(String condition, Duration atMost, Duration every, Callable<T> read, Predicate<? super T> met,
                  Function<? super T, String> waiting) {
        var outcome = ConditionWait.until(condition, atMost, every, read, met,
                reading -> step("          waiting: " + waiting.apply(reading)));
        outcome.timedOut().ifPresent(message -> System.out.println("          " + message));
        return outcome.last();
    }

    void expectStatus(String what, ApiClient.Response response, int status) {
        check(what + " answers " + status, response.status() == status, response.status() + " " + response.text());
    }

    String open(ApiClient api, String owner) {
        var created = api.post("/accounts", "{\"displayName\": \"" + owner + "\"}");
        expectStatus("open an account for " + owner, created, 201);
        var id = created.body().path("accountId").asText();
        System.out.println("          -> " + owner + ": " + id);
        return id;
    }

    int count() {
        return count;
    }

    List<String> failures() {
        return failures;
    }

    static String path(String account, String action) {
        return "/accounts/" + account + "/" + action;
    }
}
