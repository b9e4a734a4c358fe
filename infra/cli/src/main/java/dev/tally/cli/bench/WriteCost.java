package dev.tally.cli.bench;

import dev.tally.devstack.Progress;
import dev.tally.domain.AccountId;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import dev.tally.standins.streams.TableMetrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * B1 and B2: what one command costs in DynamoDB capacity and in items read, as the history grows. The capacity is
 * what dynalite reports through {@code ReturnConsumedCapacity}, summed by the streams proxy per table (the events
 * table and the idempotency table), over {@code repeats} commands of each kind, one at a time.
 */
final class WriteCost {

    /** On-demand prices, us-east-1, Standard table class, per million request units. */
    static final double DOLLARS_PER_MILLION_WRITE_UNITS = 0.625;
    static final double DOLLARS_PER_MILLION_READ_UNITS = 0.125;
    static final String PRICE_SOURCE = "https://aws.amazon.com/dynamodb/pricing/on-demand/ (us-east-1, Standard table "
            + "class: $0.625 per million write request units, $0.125 per million read request units, the prices since "
            + "AWS halved on-demand throughput prices on 2024-11-01; taken on 2026-12-06 from secondary sources, as "
            + "this machine cannot reach the AWS page: check them there before relying on the dollars)";

    private record Cost(double readUnits, double writeUnits, double itemsRead) {
        double dollarsPerMillion() {
            return writeUnits * DOLLARS_PER_MILLION_WRITE_UNITS + readUnits * DOLLARS_PER_MILLION_READ_UNITS;
        }
    }

    private WriteCost() {
    }

    static void run(BenchStack bench, BenchDoc doc, List<Long> histories, int repeats, Progress progress) throws Exception {
        var b1 = doc.section("B1", "Capacity units per command, as the history grows",
                "≤ 1 WCU + ≤ 1 RCU per command without a key, flat from 10 to 100,000 events");
        var b2 = doc.section("B2", "Items read per command, as the history grows",
                "≤ the snapshot interval (" + BenchStack.SNAPSHOT_EVERY + "), flat");
        b1.columns("history (events)", "command", "Idempotency-Key", "RCU", "WCU", "$ per million commands");
        b2.columns("history (events)", "command", "Idempotency-Key", "items read");
        var withoutKey = new ArrayList<Cost>();
        var itemsRead = new ArrayList<Double>();

        progress.step("B1: " + repeats + " creates with and without a key");
        for (boolean key : new boolean[]{false, true}) {
            var cost = measure(bench, repeats, () -> {
                var created = key ? bench.api.post("/accounts", "{\"displayName\": \"b1\"}", "Idempotency-Key", java.util.UUID.randomUUID().toString())
                        : bench.api.post("/accounts", "{\"displayName\": \"b1\"}");
                return created.status();
            }, 201);
            add(b1, b2, "0 (new)", "create", key, cost);
        }
        var snapshots = new SnapshotPolicy(BenchStack.SNAPSHOT_EVERY);
        for (long history : histories) {
            var account = bench.open(1).getFirst();
            progress.step("B1: giving an account " + history + " events of history");
            HistorySeeder.seed(bench.dynalite, EventTable.DEFAULT_NAME, snapshots, account, history, 10_000, Clock.systemUTC());
            for (boolean key : new boolean[]{false, true}) {
                for (String command : List.of("credit", "withdraw")) {
                    var cost = measure(bench, repeats, () -> command.equals("credit")
                            ? bench.credit(account, 100, key) : bench.withdraw(account, 100, key), 200);
                    add(b1, b2, String.format(Locale.ROOT, "%,d", history), command, key, cost);
                    if (!key) {
                        withoutKey.add(cost);
                        itemsRead.add(cost.itemsRead());
                    }
                }
            }
        }
        // the history-dependent commands: a create reads nothing
        double maxRead = withoutKey.stream().mapToDouble(Cost::readUnits).max().orElse(0);
        double maxWrite = withoutKey.stream().mapToDouble(Cost::writeUnits).max().orElse(0);
        double minRead = withoutKey.stream().mapToDouble(Cost::readUnits).min().orElse(0);
        boolean flat = maxRead - minRead < 0.5;
        b1.note("Per command, averaged over " + repeats + " commands of each kind sent one at a time (no races). "
                + "Both tables the write path uses are counted: events and idempotency. A command with an "
                + "Idempotency-Key also claims the key (a conditional PutItem) and records its outcome (an UpdateItem), "
                + "so it costs more writes by design.");
        b1.note("Dollars per million commands at on-demand prices: " + PRICE_SOURCE + ". Storage, streams reads "
                + "(free for Lambda triggers), Kinesis, Lambda and API Gateway are not included.");
        b1.outcome(maxRead <= 1.0 && maxWrite <= 1.0 && flat ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                String.format(Locale.ROOT, "without a key: at most %.2f RCU and %.2f WCU per command; reads %s in history",
                        maxRead, maxWrite, flat ? "flat" : "not flat"));
        double maxItems = itemsRead.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double minItems = itemsRead.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        b2.note("Items returned by the write path's Query calls (CloudWatch's ReturnedItemCount), per credit or withdrawal. "
                + "A load reads the newest " + BenchStack.SNAPSHOT_EVERY + " items, which always hold a snapshot.");
        b2.outcome(maxItems <= BenchStack.SNAPSHOT_EVERY && maxItems - minItems < 1 ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED,
                String.format(Locale.ROOT, "%.1f to %.1f items per command", minItems, maxItems));
    }

    private static void add(BenchDoc.Section b1, BenchDoc.Section b2, String history, String command, boolean key, Cost cost) {
        b1.row(history, command, key ? "yes" : "no", f(cost.readUnits()), f(cost.writeUnits()),
                String.format(Locale.ROOT, "$%.2f", cost.dollarsPerMillion()));
        b2.row(history, command, key ? "yes" : "no", String.format(Locale.ROOT, "%.1f", cost.itemsRead()));
    }

    private static Cost measure(BenchStack bench, int repeats, IntSupplier command, int expectedStatus) {
        var before = both(bench);
        for (int i = 0; i < repeats; i++) {
            int status = command.getAsInt();
            if (status != expectedStatus) {
                throw new IllegalStateException("a measured command was answered " + status + ", expected " + expectedStatus);
            }
        }
        var spent = both(bench).minus(before);
        return new Cost(spent.consumedReadCapacityUnits() / repeats, spent.consumedWriteCapacityUnits() / repeats,
                (double) spent.returnedItemCount() / repeats);
    }

    private static TableMetrics both(BenchStack bench) {
        return bench.stack.tableMetrics(EventTable.DEFAULT_NAME).plus(bench.stack.tableMetrics(IdempotencyTable.DEFAULT_NAME));
    }

    private static String f(double units) {
        return String.format(Locale.ROOT, "%.2f", units);
    }
}
