package dev.tally.local;

import java.util.ArrayList;
import java.util.List;

/** The demo's bookkeeping: progress lines, checks and their failures, and the small helpers every step uses. */
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

    void expectStatus(String what, ApiClient.Response response, int status) {
        check(what + " answers " + status, response.status() == status, response.status() + " " + response.text());
    }

    String open(ApiClient api, String owner) {
        var created = api.post("/accounts", "{\"owner\": \"" + owner + "\"}");
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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
