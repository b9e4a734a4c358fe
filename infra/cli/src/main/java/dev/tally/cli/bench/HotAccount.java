package dev.tally.cli.bench;

import dev.tally.devstack.Progress;
import dev.tally.eventstore.EventTable;

import dev.tally.accountsapi.AccountRequest;
import dev.tally.accountsapi.AccountService;
import dev.tally.accountsapi.CommandContext;
import dev.tally.accountsapi.CommandResult;
import dev.tally.accountsapi.SingleFlight;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.DynamoIdempotencyStore;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.resilience.Backoff;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * B8: many writers crediting one account through the API, against raw writers on one account serially (one making
 * the calls a lone command makes, one the calls a queued command makes): how much of the serial rate survives the
 * races, and what the lost races cost.
 */
final class HotAccount {

    static final int WRITERS = 64;
    static final double TARGET = 0.5;

    private HotAccount() {
    }

    static void run(BenchStack bench, RawWriter raw, BenchDoc doc, int runs, int commands, Progress progress) throws Exception {
        var section = doc.section("B8", "A hot account: " + WRITERS + " writers on one account",
                "API goodput ≥ " + TARGET + " × the raw serial rate of the same calls; no 409s");
        section.columns("run", "API applied/s (" + WRITERS + " writers)", "raw serial, Query and PutItem, credits/s",
                "API ÷ it", "raw serial, PutItem from its last state, credits/s", "API ÷ it", "409s",
                "lost races per applied credit");
        var ratios = new double[runs];
        var sameCallRatios = new double[runs];
        var goodputs = new double[runs];
        var serials = new double[runs];
        var sameCallSerials = new double[runs];
        long conflicts = 0;
        for (int run = 0; run < runs; run++) {
            var account = bench.open(1).getFirst();
            var rawAccount = raw.open(1).getFirst();
            var statuses = new ConcurrentHashMap<Integer, Integer>();
            bench.awaitDrained(progress);
            var before = bench.stack.tableMetrics(EventTable.DEFAULT_NAME);
            // the write path alone, as in B3: the raw writers' tables have no stream, so nothing consumes theirs
            var api = bench.writePathAlone(() -> ClosedLoop.run(commands, WRITERS, i -> {
                int status = bench.credit(account, 100, false);
                statuses.merge(status, 1, Integer::sum);
                return status == 200;
            }));
            var spent = bench.stack.tableMetrics(EventTable.DEFAULT_NAME).minus(before);
            bench.awaitDrained(progress);
            var serial = ClosedLoop.run(commands, 1, i -> raw.credit(rawAccount, 100) > 0);
            var writer = raw.serial(raw.open(1).getFirst());
            var sameCalls = ClosedLoop.run(commands, 1, i -> writer.credit(100) > 0);
            goodputs[run] = api.appliedPerSecond();
            serials[run] = serial.perSecond();
            sameCallSerials[run] = sameCalls.perSecond();
            ratios[run] = goodputs[run] / serials[run];
            sameCallRatios[run] = goodputs[run] / sameCallSerials[run];
            int refused = statuses.getOrDefault(409, 0);
            conflicts += refused;
            double lostRaces = (double) spent.conditionalCheckFailedRequests() / Math.max(1, api.applied());
            section.row(run + 1, f(goodputs[run], 1), f(serials[run], 1), f(ratios[run], 2), f(sameCallSerials[run], 1),
                    f(sameCallRatios[run], 2), refused, f(lostRaces, 2));
            progress.step(String.format(Locale.ROOT, "B8: run %d: API %.1f applied/s, raw serial %.1f/s (ratio %.2f), "
                            + "raw serial from its last state %.1f/s (ratio %.2f), 409s %d, statuses %s", run + 1,
                    goodputs[run], serials[run], ratios[run], sameCallSerials[run], sameCallRatios[run], refused,
                    Map.copyOf(statuses)));
        }
        var ratio = Sample.of(sameCallRatios);
        section.note(String.format(Locale.ROOT, "Median over %d runs: API %s applied credits/s; one raw writer making "
                        + "the event store's Query and conditional PutItem for each credit %s credits/s (API ÷ it %s); "
                        + "one raw writer starting each credit from the state its last append left, one PutItem per "
                        + "credit %s credits/s (API ÷ it %s). Each run: %d credits through the API from %d concurrent "
                        + "clients on one new account, the translator's mapping disabled meanwhile as in B3 (the "
                        + "consumers catch up after), then %d by each raw writer on an account of its own, straight to "
                        + "dynalite. The API's queued credits start from the state the one before left (the single-flight "
                        + "hand-off below), so they make the second writer's calls: the target is read against it.",
                runs, Sample.of(goodputs).format(1), Sample.of(serials).format(1), Sample.of(ratios).format(2),
                Sample.of(sameCallSerials).format(1), ratio.format(2), commands, WRITERS, commands));
        section.note("A lost race is a conditional PutItem refused by dynalite (CloudWatch's ConditionalCheckFailedRequests, "
                + "counted by the streams proxy). AWS bills a refused conditional write like an accepted one: each lost "
                + "race costs the write units of the event item (1 WCU, B1), plus the catch-up Query that reads the "
                + "winners' events (0.5–1 RCU). Each lost race is retried (after a pause) by the "
                + "command service.");
        var kept = alternatives(bench, section, runs, commands, Sample.of(serials).median(), progress);
        var api = Sample.of(goodputs);
        String why;
        if (api.max() >= kept.min() && kept.max() >= api.min()) {
            why = "The two ranges overlap: the difference is within the runs' spread.";
        } else if (api.median() < kept.median()) {
            why = String.format(Locale.ROOT, "With no races left, the difference is the HTTP path (client, gateway, "
                    + "JWT authorizer, handler, logs) taking CPU from the same %d cores while every credit waits its "
                    + "turn (B3 splits that CPU).", Runtime.getRuntime().availableProcessors());
        } else {
            why = "The HTTP path costs the account no turns: while one credit holds the account, the waiting ones' HTTP "
                    + "work (client, gateway, JWT authorizer, handler) overlaps it. Why " + WRITERS + " callers in "
                    + "process go slower than " + WRITERS + " through HTTP was not measured.";
        }
        section.note(String.format(Locale.ROOT, "Through the API the hot account reaches %.0f %% of the rate the command "
                        + "service reaches in process with the same single-flight (%s against %s applied/s). %s",
                100 * api.median() / kept.median(), api.format(1), kept.format(1), why));
        boolean met = ratio.median() >= TARGET && conflicts == 0;
        section.outcome(met ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED, "goodput " + ratio.format(2)
                + " × the raw serial rate of the same calls; " + conflicts + " answered 409");
    }

    /** A way to settle a hot account's races: the retry pacing, and whether the process queues per account. */
    private record Alternative(String name, Backoff retries, SingleFlight singleFlight, boolean kept) {
    }

    /**
     * The ways of settling the races, measured side by side on the command service itself (in this process, against
     * the same streams proxy and dynalite, without HTTP): which one the API keeps is what these numbers favour.
     */
    private static Sample alternatives(BenchStack bench, BenchDoc.Section section, int runs, int commands, double serial,
                                     Progress progress) throws Exception {
        var retries = AccountService.CONFLICT_RETRIES;
        var alternatives = List.of(
                new Alternative("optimistic lock only, full jitter", retries.with(Backoff.Jitter.FULL), SingleFlight.NONE,
                        false),
                new Alternative("optimistic lock only, immediate first retry", retries.with(Backoff.Jitter.IMMEDIATE_THEN_FULL),
                        SingleFlight.NONE, false),
                new Alternative("optimistic lock only, decorrelated jitter", retries.with(Backoff.Jitter.DECORRELATED),
                        SingleFlight.NONE, false),
                new Alternative("single-flight per account, each command reading the account", retries,
                        SingleFlight.perAccountWithoutHandOff(), false),
                new Alternative("single-flight per account, each command handing its state to the next (kept)", retries,
                        SingleFlight.perAccount(), true));
        var store = EventStoreSettings.defaults().withSnapshotEvery(BenchStack.SNAPSHOT_EVERY);
        var actor = new Principal("https://bench.invalid", "hot-account");
        var rows = new ArrayList<String>();
        Sample kept = null;
        rows.add("| way of settling the races | applied/s | ÷ raw serial (Query and PutItem) | lost races per applied "
                + "| gave up (409) |");
        rows.add("|---|---|---|---|---|");
        for (var alternative : alternatives) {
            var service = new AccountService(new DynamoEventStore(bench.stack.dynamo(), store.eventsTable(), store.snapshots()),
                    new DynamoIdempotencyStore(bench.stack.dynamo(), store.idempotencyTable()), Clock.systemUTC(),
                    UUID::randomUUID, alternative.retries(), alternative.singleFlight());
            var rates = new double[runs];
            var lost = new double[runs];
            int gaveUp = 0;
            for (int run = 0; run < runs; run++) {
                var opened = service.execute(CommandContext.of(actor, "bench-open"), new AccountRequest.Create("hot"), Optional.empty());
                var account = ((CommandResult.Applied) opened).accountId();
                var exhausted = new java.util.concurrent.atomic.AtomicInteger();
                bench.awaitDrained(progress);
                var before = bench.stack.tableMetrics(EventTable.DEFAULT_NAME);
                var result = bench.writePathAlone(() -> ClosedLoop.run(commands, WRITERS, i -> {
                    var answer = service.execute(CommandContext.of(actor, "bench-" + i),
                            new AccountRequest.Credit(account, Money.ofMinor(100)), Optional.empty());
                    if (answer instanceof CommandResult.ContentionExhausted) {
                        exhausted.incrementAndGet();
                    }
                    return answer instanceof CommandResult.Applied;
                }));
                var spent = bench.stack.tableMetrics(EventTable.DEFAULT_NAME).minus(before);
                rates[run] = result.appliedPerSecond();
                lost[run] = (double) spent.conditionalCheckFailedRequests() / Math.max(1, result.applied());
                gaveUp += exhausted.get();
            }
            var rate = Sample.of(rates);
            if (alternative.kept()) {
                kept = rate;
            }
            rows.add("| " + alternative.name() + " | " + rate.format(1) + " | " + f(rate.median() / serial, 2) + " | "
                    + Sample.of(lost).format(2) + " | " + gaveUp + " |");
            progress.step("B8: " + alternative.name() + ": " + rate.format(1) + " applied/s, lost races per applied "
                    + Sample.of(lost).format(2) + ", gave up " + gaveUp);
        }
        section.note("The ways of settling the races, measured side by side in the same run on the command service "
                + "itself (" + WRITERS + " threads in this process, " + commands + " credits per run, the same proxy "
                + "and dynalite, no HTTP, the translator's mapping disabled as for the API); ÷ raw serial uses the first raw serial rate above. Single-flight queues one "
                + "process's commands per account, and a command that finishes while another waits hands it the "
                + "account's state, so the next one appends without reading the account first (one conditional "
                + "PutItem instead of a Query and a PutItem; if another process wrote meanwhile, the put fails and it "
                + "catches up as after any lost race). Between Lambda instances (one request each) only the optimistic "
                + "lock and the pacing act, which is what the other rows show: with " + WRITERS + " writers some "
                + "credits use up all " + AccountService.CONFLICT_RETRIES.maxAttempts() + " attempts and are answered "
                + "409 (gave up), whichever the pacing.\n\n" + String.join("\n", rows));
        return kept;
    }

    private static String f(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
