package dev.tally.cli.demo;

import dev.tally.cli.load.ApiClient;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

/**
 * Many withdrawals of 1.00 sent at once to one account, and what optimistic locking must make of them: exactly as
 * many applied as whole units were there, the rest refused, the balance never below zero, and a statement with
 * contiguous versions. The demo (step 5) prints these claims; {@code DevStackTest} asserts them.
 */
public record WithdrawalRace(int withdrawals, BigDecimal balanceBefore, long versionBefore, int applied, int refused,
                             int other, String balanceAfter, List<Long> statementVersions, int negativeBalances) {

    /** Sends {@code withdrawals} withdrawals of 1.00 to {@code account} at the same moment, one thread each. */
    public static WithdrawalRace run(ApiClient api, String account, int withdrawals)
            throws InterruptedException, ExecutionException {
        var before = api.get("/accounts/" + account).body();
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<ApiClient.Response>>();
        int applied = 0;
        int refused = 0;
        int other = 0;
        try (var pool = Executors.newFixedThreadPool(withdrawals)) {
            for (int i = 0; i < withdrawals; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return api.post("/accounts/" + account + "/withdraw", "{\"amount\": \"1.00\"}");
                }));
            }
            start.countDown();
            for (var result : results) {
                switch (result.get().status()) {
                    case 200 -> applied++;
                    case 422 -> refused++;
                    default -> other++;
                }
            }
        }
        var versions = new ArrayList<Long>();
        int negative = 0;
        long cursor = 0;
        while (true) {
            var page = api.get("/accounts/" + account + "/events?limit=100&after=" + cursor).body();
            for (var event : page.path("events")) {
                versions.add(event.path("version").asLong());
                negative += event.path("balanceAfter").asText().startsWith("-") ? 1 : 0;
            }
            if (!page.path("nextAfter").isNumber()) {
                break;
            }
            cursor = page.path("nextAfter").asLong();
        }
        return new WithdrawalRace(withdrawals, new BigDecimal(before.path("balance").asText()), before.path("version").asLong(),
                applied, refused, other, api.get("/accounts/" + account).body().path("balance").asText(),
                List.copyOf(versions), negative);
    }

    /** As many withdrawals of 1.00 as the balance covers, and no more. */
    public int expectedApplied() {
        return (int) Math.min(withdrawals, balanceBefore.longValue());
    }

    public String expectedBalance() {
        return balanceBefore.subtract(BigDecimal.valueOf(expectedApplied())).setScale(2).toPlainString();
    }

    public List<Claim> claims() {
        long lastVersion = versionBefore + expectedApplied();
        return List.of(
                Claim.of("exactly " + expectedApplied() + " withdrawals applied", applied == expectedApplied(), applied + " applied"),
                Claim.of("every other withdrawal was refused", refused == withdrawals - expectedApplied() && other == 0,
                        refused + " refused, " + other + " other"),
                Claim.of("the balance is " + expectedBalance() + ", never below zero", expectedBalance().equals(balanceAfter), balanceAfter),
                Claim.of("the statement has contiguous versions 1.." + lastVersion + " with no gaps or duplicates",
                        statementVersions.equals(LongStream.rangeClosed(1, lastVersion).boxed().toList()), statementVersions.toString()),
                Claim.of("no balance in the statement is negative", negativeBalances == 0, negativeBalances + " negative"));
    }

    @Override
    public String toString() {
        return claims().toString();
    }
}
