package dev.tally.local;

import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeDelivery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportChart;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts a throwaway stack on free ports, runs a scripted scenario through the HTTP API, checks its own
 * invariants, and stops everything it started. Exit code 1 if any check fails.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a scripted scenario against a fresh local stack and check the results.",
                "Uses free ports and in-memory data; stops everything it starts. Exit code 1 if a check fails."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--concurrent-withdrawals", defaultValue = "50",
            description = "How many withdrawals of 1.00 race on one account (default: ${DEFAULT-VALUE}).")
    int concurrentWithdrawals;

    private final List<String> failures = new ArrayList<>();
    private int checks;
    private Progress progress;

    @Override
    public Integer call() throws Exception {
        progress = new Progress(System.out);
        try (var stack = LocalStack.start(LocalStack.Settings.ephemeral(), progress)) {
            progress.step("stack up: API " + stack.apiEndpoint() + ", DynamoDB " + stack.dynamoEndpoint());
            run(new ApiClient(stack.apiEndpoint()));
            everyWriteReachedKinesis(stack);
            poisonIsMovedAside(stack, new ApiClient(stack.apiEndpoint()));
            projectionAgrees(stack, new ApiClient(stack.apiEndpoint()));
            lakeAgrees(stack);
            progress.step("stopping the stack");
        }
        System.out.println();
        if (failures.isEmpty()) {
            System.out.printf("Demo passed: %d of %d checks held.%n", checks, checks);
            return 0;
        }
        System.out.printf("Demo FAILED: %d of %d checks failed:%n", failures.size(), checks);
        failures.forEach(f -> System.out.println("  - " + f));
        return 1;
    }

    private void run(ApiClient api) throws Exception {
        progress.step("[1/10] opening two accounts");
        var alice = open(api, "Alice");
        var bob = open(api, "Bob");

        progress.step("[2/10] Alice: credit 100.00, withdraw 30.50");
        expectStatus("credit Alice 100.00", api.post(path(alice, "credit"), "{\"amount\": \"100.00\"}"), 200);
        expectStatus("withdraw 30.50 from Alice", api.post(path(alice, "withdraw"), "{\"amount\": 30.50}"), 200);
        var aliceNow = api.get("/accounts/" + alice);
        check("Alice's balance is 69.50 at version 3", "69.50".equals(aliceNow.body().path("balance").asText())
                && aliceNow.body().path("version").asLong() == 3, aliceNow.text());

        progress.step("[3/10] Alice tries to withdraw 1000.00");
        var overdraft = api.post(path(alice, "withdraw"), "{\"amount\": \"1000.00\"}");
        check("an overdraft is refused with 422", overdraft.status() == 422, overdraft.text());
        System.out.println("          -> " + overdraft.status() + " " + overdraft.body().path("detail").asText());
        check("the refused withdrawal changed nothing",
                "69.50".equals(api.get("/accounts/" + alice).body().path("balance").asText()), "");

        progress.step("[4/10] bad requests get a 400 problem naming the field and value");
        badRequests(api, bob);

        progress.step("[5/10] " + concurrentWithdrawals + " concurrent withdrawals of 1.00 from Carol's 30.00");
        race(api);

        progress.step("[6/10] a credit retried with the same Idempotency-Key");
        idempotentRetry(api, bob);

        System.out.println();
        System.out.println("Accounts (write side):");
        for (var id : List.of(alice, bob)) {
            var account = api.get("/accounts/" + id).body();
            System.out.printf("  %s  balance %10s  version %d%n", id, account.path("balance").asText(),
                    account.path("version").asLong());
        }
    }

    private String open(ApiClient api, String owner) {
        var created = api.post("/accounts", "{\"owner\": \"" + owner + "\"}");
        expectStatus("open an account for " + owner, created, 201);
        var id = created.body().path("accountId").asText();
        System.out.println("          -> " + owner + ": " + id);
        return id;
    }

    private void badRequests(ApiClient api, String account) {
        String[][] cases = {
                {"{\"amount\": -5}", "negative amount"},
                {"{\"amount\": \"1.001\"}", "three decimals"},
                {"{\"amount\": \"abc\"}", "not a number"},
                {"{\"amount\": 0}", "zero"},
                {"{\"amount\": null}", "null"},
                {"{}", "missing amount"},
                {"this is not json", "not JSON"},
        };
        for (var c : cases) {
            var response = api.post(path(account, "credit"), c[0]);
            check("credit with " + c[1] + " is a 400", response.status() == 400, response.text());
            System.out.printf("          -> %-16s %d %s%n", c[1], response.status(), response.body().path("detail").asText());
        }
        var malformed = api.post("/accounts/not-a-uuid/credit", "{\"amount\": 1}");
        check("a malformed account id is a 400", malformed.status() == 400, malformed.text());
        var unknown = api.get("/accounts/00000000-0000-4000-8000-000000000000");
        check("an unknown account is a 404", unknown.status() == 404, unknown.text());
        check("the bad requests changed nothing",
                api.get("/accounts/" + account).body().path("version").asLong() == 1, "");
    }

    private void race(ApiClient api) throws Exception {
        var carol = open(api, "Carol");
        expectStatus("credit Carol 30.00", api.post(path(carol, "credit"), "{\"amount\": 30}"), 200);
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<ApiClient.Response>>();
        try (var pool = Executors.newFixedThreadPool(concurrentWithdrawals)) {
            for (int i = 0; i < concurrentWithdrawals; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return api.post(path(carol, "withdraw"), "{\"amount\": \"1.00\"}");
                }));
            }
            start.countDown();
            int applied = 0;
            int refused = 0;
            int other = 0;
            for (var result : results) {
                switch (result.get().status()) {
                    case 200 -> applied++;
                    case 422 -> refused++;
                    default -> other++;
                }
            }
            int expectedApplied = Math.min(30, concurrentWithdrawals);
            System.out.printf("          -> %d applied, %d refused, %d other%n", applied, refused, other);
            check("exactly " + expectedApplied + " withdrawals applied", applied == expectedApplied, applied + " applied");
            check("every other withdrawal was refused", refused == concurrentWithdrawals - expectedApplied && other == 0,
                    refused + " refused, " + other + " other");
        }
        var after = api.get("/accounts/" + carol).body();
        var expectedBalance = concurrentWithdrawals >= 30 ? "0.00" : String.format("%d.00", 30 - concurrentWithdrawals);
        check("Carol's balance is " + expectedBalance + ", never below zero",
                expectedBalance.equals(after.path("balance").asText()), after.toString());
        var versions = new ArrayList<Long>();
        long cursor = 0;
        boolean neverNegative = true;
        while (true) {
            var page = api.get("/accounts/" + carol + "/events?limit=100&after=" + cursor).body();
            for (var event : page.path("events")) {
                versions.add(event.path("version").asLong());
                neverNegative &= !event.path("balanceAfter").asText().startsWith("-");
            }
            if (page.path("nextAfter").isNull()) {
                break;
            }
            cursor = page.path("nextAfter").asLong();
        }
        boolean contiguous = true;
        for (int i = 0; i < versions.size(); i++) {
            contiguous &= versions.get(i) == i + 1;
        }
        check("Carol's statement has contiguous versions 1.." + versions.size() + " with no gaps or duplicates",
                contiguous && versions.size() == 2 + Math.min(30, concurrentWithdrawals), versions.toString());
        check("no balance in Carol's statement is negative", neverNegative, "");
    }

    private void idempotentRetry(ApiClient api, String bob) {
        var before = api.get("/accounts/" + bob).body().path("version").asLong();
        var key = "demo-" + java.util.UUID.randomUUID();
        var first = api.post(path(bob, "credit"), "{\"amount\": \"20.00\"}", "Idempotency-Key", key);
        var retry = api.post(path(bob, "credit"), "{\"amount\": \"20.00\"}", "Idempotency-Key", key);
        System.out.println("          -> first: " + first.status() + " " + first.text());
        System.out.println("          -> retry: " + retry.status() + " " + retry.text() + "  (Idempotent-Replayed: "
                + retry.header("Idempotent-Replayed") + ")");
        check("the retry returns the same response", first.status() == 200 && first.text().equals(retry.text()), retry.text());
        check("the credit was applied once", api.get("/accounts/" + bob).body().path("version").asLong() == before + 1, "");
        var misuse = api.post(path(bob, "credit"), "{\"amount\": \"21.00\"}", "Idempotency-Key", key);
        check("the same key with a different amount is a 422", misuse.status() == 422, misuse.text());
    }

    private void everyWriteReachedKinesis(LocalStack stack) {
        progress.step("[7/10] every event in the table reaches Kinesis once, in version order per account");
        var items = stack.dynamo().scan(b -> b.tableName(dev.tally.eventstore.EventTable.DEFAULT_NAME)).items();
        var expected = new java.util.HashSet<String>();
        items.forEach(item -> expected.add(dev.tally.contracts.DomainEvent.eventIdFor(item.get("Id").s(),
                Long.parseLong(item.get("Version").n()))));
        var stream = new DomainEventStream(stack.kinesis(), dev.tally.translator.StreamTranslatorEnvironment.DEFAULT_STREAM_NAME);
        var deadline = java.time.Instant.now().plusSeconds(60);
        java.util.Map<String, java.util.List<DomainEventStream.Received>> byShard;
        java.util.Set<String> published;
        while (true) {
            byShard = stream.readAll();
            published = new java.util.HashSet<>();
            for (var records : byShard.values()) {
                for (var received : records) {
                    published.add(received.event().eventId());
                }
            }
            if (published.containsAll(expected) || java.time.Instant.now().isAfter(deadline)) {
                break;
            }
            progress.step("          waiting: " + published.size() + " of " + expected.size() + " events on Kinesis");
            sleep(500);
        }
        int total = byShard.values().stream().mapToInt(java.util.List::size).sum();
        System.out.printf("          -> %d events in the table; %d records on %d shards, %d distinct eventIds%n",
                expected.size(), total, byShard.size(), published.size());
        check("every event in the table is on Kinesis", published.containsAll(expected),
                (expected.size() - published.size()) + " missing");
        check("Kinesis holds nothing that is not in the table", expected.containsAll(published), "");
        boolean ordered = true;
        var shardOfAccount = new java.util.HashMap<String, String>();
        boolean oneShardPerAccount = true;
        for (var entry : byShard.entrySet()) {
            var seen = new java.util.HashSet<String>();
            var lastVersion = new java.util.HashMap<String, Long>();
            for (var received : entry.getValue()) {
                var event = received.event();
                oneShardPerAccount &= entry.getKey().equals(shardOfAccount.computeIfAbsent(event.accountId(), a -> entry.getKey()));
                if (seen.add(event.eventId())) {
                    // first copy of each event: versions must follow 1, 2, 3, ...
                    ordered &= event.version() == lastVersion.getOrDefault(event.accountId(), 0L) + 1;
                    lastVersion.put(event.accountId(), event.version());
                }
            }
        }
        check("each account's events are on one shard", oneShardPerAccount, "");
        check("each account's events are in version order on its shard", ordered, "");
    }

    private void poisonIsMovedAside(LocalStack stack, ApiClient api) {
        progress.step("[8/10] a corrupt item in the table is moved aside; later events still flow");
        var poisonAccount = java.util.UUID.randomUUID().toString();
        stack.dynamo().putItem(b -> b.tableName(dev.tally.eventstore.EventTable.DEFAULT_NAME).item(java.util.Map.of(
                "Id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(poisonAccount),
                "Version", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"),
                "Kind", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("Event"),
                "Type", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("AccountFrozen"),
                "SchemaVersion", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"))));
        var later = open(api, "Dora");
        expectStatus("credit Dora 5.00", api.post(path(later, "credit"), "{\"amount\": 5}"), 200);
        var stream = new DomainEventStream(stack.kinesis(), dev.tally.translator.StreamTranslatorEnvironment.DEFAULT_STREAM_NAME);
        var deadline = java.time.Instant.now().plusSeconds(60);
        java.util.Optional<com.fasterxml.jackson.databind.node.ObjectNode> letter;
        long doraEvents;
        while (true) {
            letter = stack.deadLetters().entries().stream()
                    .filter(e -> e.path("records").toString().contains(poisonAccount)).findFirst();
            doraEvents = stream.readAll().values().stream().flatMap(java.util.List::stream)
                    .filter(r -> r.event().accountId().equals(later)).map(r -> r.event().eventId()).distinct().count();
            if ((letter.isPresent() && doraEvents == 2) || java.time.Instant.now().isAfter(deadline)) {
                break;
            }
            sleep(250);
        }
        letter.ifPresent(l -> System.out.println("          -> dead letter: " + l.path("requestContext").path("condition").asText()
                + ", " + l.path("reason").asText()));
        check("the corrupt item is in the dead-letter store with its reason",
                letter.isPresent() && letter.get().path("reason").asText().contains("unknown type AccountFrozen"), "");
        check("the events written after it were published", doraEvents == 2, doraEvents + " of Dora's 2 events");
    }

    private void projectionAgrees(LocalStack stack, ApiClient api) {
        progress.step("[9/10] the balances projection (a KCL worker) agrees with the write side");
        var accounts = new java.util.TreeSet<String>();
        stack.dynamo().scan(b -> b.tableName(dev.tally.eventstore.EventTable.DEFAULT_NAME)).items().stream()
                .filter(item -> "AccountCreated".equals(item.get("Type").s()))
                .forEach(item -> accounts.add(item.get("Id").s()));
        var deadline = java.time.Instant.now().plusSeconds(90);
        var load = new LoadGenerator(api);
        var ids = java.util.List.copyOf(accounts);
        int agreeing;
        var lastReport = java.time.Instant.EPOCH;
        while ((agreeing = load.agreeing(ids)) < ids.size() && java.time.Instant.now().isBefore(deadline)) {
            if (java.time.Instant.now().isAfter(lastReport.plusSeconds(3))) {
                progress.step("          waiting: " + agreeing + " of " + ids.size()
                        + " accounts projected (a fresh KCL 3 worker waits 1-30 s before taking its first leases)");
                lastReport = java.time.Instant.now();
            }
            sleep(500);
        }
        System.out.printf("          %-36s %12s %8s %12s %8s%n", "account", "write side", "version", "projection", "version");
        for (var id : accounts) {
            var written = api.get("/accounts/" + id).body();
            var projected = api.get("/balances/" + id).body();
            System.out.printf("          %-36s %12s %8d %12s %8s%n", id, written.path("balance").asText(),
                    written.path("version").asLong(), projected.path("balance").asText("-"), projected.path("version").asText("-"));
        }
        check("every account's projected balance and version equal the write side's", agreeing == accounts.size(),
                agreeing + " of " + accounts.size());
    }

    private void lakeAgrees(LocalStack stack) throws java.io.IOException {
        progress.step("[10/10] the data lake (lake writer -> Firehose -> S3, Parquet by event date) and its SQL reports on DuckDB");
        var cacheDir = java.nio.file.Files.createTempDirectory("tally-demo-lake-");
        try {
            var s3 = stack.lake().s3();
            var cache = new LakeCache(s3, LocalLake.BUCKET, cacheDir);
            var deadline = java.time.Instant.now().plusSeconds(90);
            LedgerExport.Summary summary;
            ReportResult reconciliation;
            long ok;
            while (true) {
                summary = LedgerExport.export(stack.dynamo(), EventTable.DEFAULT_NAME, s3, LocalLake.BUCKET);
                cache.sync();
                try (var engine = new DuckDbEngine(cacheDir)) {
                    reconciliation = new ReportRunner(engine).run(Report.RECONCILIATION, Optional.empty());
                }
                int status = reconciliation.column("status");
                ok = reconciliation.rows().stream().filter(r -> "ok".equals(r.get(status))).count();
                if ((ok == summary.accounts().size() && reconciliation.rows().size() == ok)
                        || java.time.Instant.now().isAfter(deadline)) {
                    break;
                }
                progress.step("          waiting: " + ok + " of " + summary.accounts().size()
                        + " accounts complete in the lake (Firehose buffers for " + LakeDelivery.LOCAL_BUFFER_INTERVAL.toSeconds() + " s)");
                sleep(1000);
            }
            summary.unreadable().forEach(reason -> System.out.println("          -> left out of the ledger export: " + reason));
            long tableEvents = summary.accounts().values().stream().mapToLong(LedgerExport.Account::eventCount).sum();
            try (var engine = new DuckDbEngine(cacheDir)) {
                var counts = engine.query("SELECT count(*) AS stored, count(DISTINCT event_id) AS distinct_events FROM "
                        + LakeTable.EVENTS, List.of()).rows().getFirst();
                long stored = (Long) counts.get(0);
                long distinct = (Long) counts.get(1);
                System.out.printf("          -> %d events in the table; the lake stores %d rows, %d distinct events (%d duplicates removed by the SQL)%n",
                        tableEvents, stored, distinct, stored - distinct);
                check("the lake holds every event of the table exactly once after de-duplication", distinct == tableEvents,
                        distinct + " distinct events in the lake, " + tableEvents + " in the table");

                var daily = new ReportRunner(engine).run(Report.DAILY_TOTALS, Optional.empty());
                System.out.println();
                System.out.println("          ./tally report daily-totals");
                print(daily);
                var expected = totalsPerType(stack);
                var actual = new java.util.TreeMap<String, Long>();
                int type = daily.column("type");
                int total = daily.column("total_amount");
                daily.rows().forEach(r -> actual.merge((String) r.get(type), (Long) r.get(total), Math::addExact));
                check("daily totals per type equal the sums of the events table", expected.equals(actual),
                        actual + " vs " + expected);
                var chart = TallyCli.home().resolve(".tally/demo/daily-totals.png");
                ReportChart.write(Report.DAILY_TOTALS, daily, chart);
                System.out.println("          chart: " + chart);
            }
            System.out.println();
            System.out.println("          ./tally report reconciliation");
            print(reconciliation);
            check("the reconciliation shows zero differences between the lake and the events table",
                    ok == summary.accounts().size() && reconciliation.rows().size() == ok,
                    (reconciliation.rows().size() - ok) + " accounts differ");
        } finally {
            UpCommand.deleteRecursively(cacheDir);
        }
    }

    /** Amounts per event type in the events table, in minor units: what the lake's daily totals must add up to. */
    private static java.util.Map<String, Long> totalsPerType(LocalStack stack) {
        var totals = new java.util.TreeMap<String, Long>();
        for (var item : stack.dynamo().scanPaginator(b -> b.tableName(EventTable.DEFAULT_NAME)).items()) {
            if (!EventItemCodec.isEvent(item)) {
                continue;
            }
            try {
                var lakeRow = EventItemCodec.decode(item);
                long amount = switch (lakeRow.event()) {
                    case dev.tally.domain.AccountEvent.AccountCreated created -> 0;
                    case dev.tally.domain.AccountEvent.BalanceCredited credited -> credited.amount().minorUnits();
                    case dev.tally.domain.AccountEvent.BalanceWithdrawn withdrawn -> withdrawn.amount().minorUnits();
                };
                totals.merge(EventItemCodec.typeName(lakeRow.event()), amount, Math::addExact);
            } catch (dev.tally.eventstore.UnreadableEventException skipped) {
                // the corrupt item of step 8: it is in the dead-letter store, not in the lake
            }
        }
        return totals;
    }

    private static void print(ReportResult result) {
        var buffer = new java.io.ByteArrayOutputStream();
        var output = ReportOutput.of(ReportOutput.Format.TABLE, new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        output.columns(result.columns());
        result.rows().forEach(output::row);
        output.finish();
        buffer.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(line -> System.out.println("          " + line));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String path(String account, String action) {
        return "/accounts/" + account + "/" + action;
    }

    private void expectStatus(String what, ApiClient.Response response, int status) {
        check(what + " answers " + status, response.status() == status, response.status() + " " + response.text());
    }

    private void check(String what, boolean held, String evidence) {
        checks++;
        if (!held) {
            failures.add(what + (evidence.isEmpty() ? "" : " (got " + evidence + ")"));
            System.out.println("          FAILED: " + what);
        }
    }
}
