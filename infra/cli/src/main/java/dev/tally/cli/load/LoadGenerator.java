package dev.tally.cli.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Drives the HTTP API like many clients at once: opens accounts, then sends random credits and withdrawals over
 * them. Used by {@code ./tally load} and by the tests that check the read side under load.
 */
public final class LoadGenerator {

    /** What a run did. */
    public record Result(List<String> accounts, int commands, Map<Integer, Integer> statuses, Duration took) {
        public double perSecond() {
            return commands / Math.max(0.001, took.toMillis() / 1000.0);
        }
    }

    private final ApiClient api;

    public LoadGenerator(ApiClient api) {
        this.api = api;
    }

    /**
     * @param progress receives a line now and then
     * @param between  runs after each command's answer, with the number of commands answered so far
     */
    public Result run(int accounts, int commands, int concurrency, long seed, Consumer<String> progress,
               java.util.function.IntConsumer between) throws Exception {
        var ids = open(accounts);
        progress.accept("opened " + accounts + " accounts; sending " + commands + " commands, " + concurrency + " at a time");
        return on(ids, commands, concurrency, seed, progress, between);
    }

    /** Opens {@code accounts} accounts, one request each; their ids. */
    public List<String> open(int accounts) {
        var ids = new ArrayList<String>();
        for (int i = 0; i < accounts; i++) {
            var created = api.post("/accounts", "{\"displayName\": \"load-" + i + "\"}");
            if (created.status() != 201) {
                throw new IllegalStateException("could not open an account: " + created.status() + " " + created.text());
            }
            ids.add(created.body().path("accountId").asText());
        }
        return ids;
    }

    /** Sends {@code commands} random credits and withdrawals to accounts that exist already. */
    public Result on(List<String> ids, int commands, int concurrency, long seed, Consumer<String> progress,
                     java.util.function.IntConsumer between) throws Exception {
        var random = new Random(seed);
        var statuses = new ConcurrentHashMap<Integer, Integer>();
        var done = new AtomicInteger();
        var start = Instant.now();
        try (var pool = Executors.newFixedThreadPool(concurrency)) {
            var results = new ArrayList<Future<?>>();
            for (int i = 0; i < commands; i++) {
                var account = ids.get(random.nextInt(ids.size()));
                var action = random.nextInt(3) == 0 ? "withdraw" : "credit";
                var amount = (1 + random.nextInt(5000)) / 100.0;
                results.add(pool.submit(() -> {
                    var response = api.post("/accounts/" + account + "/" + action,
                            String.format(java.util.Locale.ROOT, "{\"amount\": \"%.2f\"}", amount));
                    statuses.merge(response.status(), 1, Integer::sum);
                    int answered = done.incrementAndGet();
                    if (answered % Math.max(1, commands / 10) == 0) {
                        progress.accept(answered + " of " + commands + " commands answered");
                    }
                    between.accept(answered);
                }));
            }
            for (var result : results) {
                result.get();
            }
        }
        return new Result(List.copyOf(ids), commands, Map.copyOf(statuses), Duration.between(start, Instant.now()));
    }
}
