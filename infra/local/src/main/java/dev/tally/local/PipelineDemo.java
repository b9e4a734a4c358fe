package dev.tally.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.contracts.DomainEvent;
import dev.tally.eventstore.EventTable;
import dev.tally.translator.StreamTranslatorEnvironment;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Demo steps 7 to 9: what happens after the write side. Every event reaches Kinesis once and in order, a corrupt
 * item is set aside while later events flow, and the balances projection agrees with the write side.
 */
final class PipelineDemo {

    private final DemoChecks checks;

    PipelineDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void everyWriteReachedKinesis(LocalStack stack) {
        checks.step("[7/10] every event in the table reaches Kinesis once, in version order per account");
        var items = stack.dynamo().scan(b -> b.tableName(EventTable.DEFAULT_NAME)).items();
        var expected = new HashSet<String>();
        items.forEach(item -> expected.add(DomainEvent.eventIdFor(item.get("Id").s(),
                Long.parseLong(item.get("Version").n()))));
        var stream = new DomainEventStream(stack.kinesis(), StreamTranslatorEnvironment.DEFAULT_STREAM_NAME);
        var deadline = Instant.now().plusSeconds(60);
        Map<String, List<DomainEventStream.Received>> byShard;
        Set<String> published;
        while (true) {
            byShard = stream.readAll();
            published = new HashSet<>();
            for (var records : byShard.values()) {
                for (var received : records) {
                    published.add(received.event().eventId());
                }
            }
            if (published.containsAll(expected) || Instant.now().isAfter(deadline)) {
                break;
            }
            checks.step("          waiting: " + published.size() + " of " + expected.size() + " events on Kinesis");
            DemoChecks.sleep(500);
        }
        int total = byShard.values().stream().mapToInt(List::size).sum();
        System.out.printf("          -> %d events in the table; %d records on %d shards, %d distinct eventIds%n",
                expected.size(), total, byShard.size(), published.size());
        checks.check("every event in the table is on Kinesis", published.containsAll(expected),
                (expected.size() - published.size()) + " missing");
        checks.check("Kinesis holds nothing that is not in the table", expected.containsAll(published), "");
        boolean ordered = true;
        var shardOfAccount = new HashMap<String, String>();
        boolean oneShardPerAccount = true;
        for (var entry : byShard.entrySet()) {
            var seen = new HashSet<String>();
            var lastVersion = new HashMap<String, Long>();
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
        checks.check("each account's events are on one shard", oneShardPerAccount, "");
        checks.check("each account's events are in version order on its shard", ordered, "");
    }

    void poisonIsMovedAside(LocalStack stack, ApiClient api) {
        checks.step("[8/10] a corrupt item in the table is moved aside; later events still flow");
        var poisonAccount = UUID.randomUUID().toString();
        stack.dynamo().putItem(b -> b.tableName(EventTable.DEFAULT_NAME).item(Map.of(
                "Id", AttributeValue.fromS(poisonAccount),
                "Version", AttributeValue.fromN("1"),
                "Kind", AttributeValue.fromS("Event"),
                "Type", AttributeValue.fromS("AccountFrozen"),
                "SchemaVersion", AttributeValue.fromN("1"))));
        var later = checks.open(api, "Dora");
        checks.expectStatus("credit Dora 5.00", api.post(DemoChecks.path(later, "credit"), "{\"amount\": 5}"), 200);
        var stream = new DomainEventStream(stack.kinesis(), StreamTranslatorEnvironment.DEFAULT_STREAM_NAME);
        var deadline = Instant.now().plusSeconds(60);
        Optional<ObjectNode> letter;
        long doraEvents;
        while (true) {
            letter = stack.deadLetters().entries().stream()
                    .filter(e -> e.path("records").toString().contains(poisonAccount)).findFirst();
            doraEvents = stream.readAll().values().stream().flatMap(List::stream)
                    .filter(r -> r.event().accountId().equals(later)).map(r -> r.event().eventId()).distinct().count();
            if ((letter.isPresent() && doraEvents == 2) || Instant.now().isAfter(deadline)) {
                break;
            }
            DemoChecks.sleep(250);
        }
        letter.ifPresent(l -> System.out.println("          -> dead letter: " + l.path("requestContext").path("condition").asText()
                + ", " + l.path("reason").asText()));
        checks.check("the corrupt item is in the dead-letter store with its reason",
                letter.isPresent() && letter.get().path("reason").asText().contains("unknown type AccountFrozen"), "");
        checks.check("the events written after it were published", doraEvents == 2, doraEvents + " of Dora's 2 events");
    }

    void projectionAgrees(LocalStack stack, ApiClient api) {
        checks.step("[9/10] the balances projection (a KCL worker) agrees with the write side");
        var accounts = new TreeSet<String>();
        stack.dynamo().scan(b -> b.tableName(EventTable.DEFAULT_NAME)).items().stream()
                .filter(item -> "AccountCreated".equals(item.get("Type").s()))
                .forEach(item -> accounts.add(item.get("Id").s()));
        var deadline = Instant.now().plusSeconds(90);
        var load = new LoadGenerator(api);
        var ids = List.copyOf(accounts);
        int agreeing;
        var lastReport = Instant.EPOCH;
        while ((agreeing = load.agreeing(ids)) < ids.size() && Instant.now().isBefore(deadline)) {
            if (Instant.now().isAfter(lastReport.plusSeconds(3))) {
                checks.step("          waiting: " + agreeing + " of " + ids.size()
                        + " accounts projected (a fresh KCL 3 worker waits 1-30 s before taking its first leases)");
                lastReport = Instant.now();
            }
            DemoChecks.sleep(500);
        }
        System.out.printf("          %-36s %12s %8s %12s %8s%n", "account", "write side", "version", "projection", "version");
        for (var id : accounts) {
            var written = api.get("/accounts/" + id).body();
            var projected = api.get("/balances/" + id).body();
            System.out.printf("          %-36s %12s %8d %12s %8s%n", id, written.path("balance").asText(),
                    written.path("version").asLong(), projected.path("balance").asText("-"), projected.path("version").asText("-"));
        }
        checks.check("every account's projected balance and version equal the write side's", agreeing == accounts.size(),
                agreeing + " of " + accounts.size());
    }
}
