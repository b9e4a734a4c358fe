package dev.tally.cli.demo;

import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.DomainEventStream;
import dev.tally.contracts.PublishedStream;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.StackSubscriptions;
import dev.tally.subscriptions.DeadLetter;

import java.time.Duration;

/**
 * Demo steps 8 to 11: what happens after the write side. Every event reaches Kinesis once and in order, a corrupt
 * item is set aside while later events flow, unreadable records on the stream are parked by every subscription, and
 * the balances projection agrees with the write side. The claims
 * themselves are {@link PipelineInvariants}', shared with the integration tests.
 */
final class PipelineDemo {

    /**
     * Each reading of the stream makes one GetShardIterator and at least one GetRecords call per shard; 500 ms
     * between readings stays within Kinesis's 5 calls per second per shard for both
     * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html).
     */
    private static final Duration STREAM_READ_EVERY = Duration.ofMillis(500);

    private final DemoChecks checks;

    PipelineDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void everyWriteReachedKinesis(DevStack stack) {
        checks.step("[8/14] every event in the table reaches Kinesis once, in version order per account");
        var stream = stream(stack);
        var delivery = checks.waitFor("every event of the table on Kinesis", Duration.ofSeconds(60), STREAM_READ_EVERY,
                () -> PipelineInvariants.kinesisDelivery(stack.dynamo(), stream), PipelineInvariants.KinesisDelivery::everyEventPublished,
                d -> d.published().size() + " of " + d.tableEventIds().size() + " events on Kinesis");
        System.out.printf("          -> %d events in the table; %d records on %d shards, %d distinct eventIds%n",
                delivery.tableEventIds().size(), delivery.records(), delivery.shards(), delivery.published().size());
        checks.check(delivery.claims());
    }

    void poisonIsMovedAside(DevStack stack, ApiClient api) {
        checks.step("[9/14] a corrupt item in the table is moved aside; later events still flow");
        var poisonAccount = PipelineInvariants.writeCorruptEvent(stack.dynamo());
        var later = checks.open(api, "Dora");
        checks.expectStatus("credit Dora 5.00", api.post(DemoChecks.path(later, "credit"), "{\"amount\": 5}"), 200);
        var stream = stream(stack);
        var setAside = checks.waitFor("the corrupt item in the dead-letter store and Dora's events on Kinesis",
                Duration.ofSeconds(60), STREAM_READ_EVERY,
                () -> PipelineInvariants.setAside(stack.dynamo(), stack.deadLetters().entries(), stream, poisonAccount, later),
                PipelineInvariants.SetAside::holds,
                s -> (s.letter().isPresent() ? "a dead letter" : "no dead letter yet") + ", "
                        + s.laterPublished() + " of Dora's " + s.laterWritten() + " events on Kinesis");
        setAside.letter().ifPresent(l -> System.out.println("          -> dead letter: "
                + l.path("requestContext").path("condition").asText() + ", " + l.path("reason").asText()));
        checks.check(setAside.claims());
    }

    /**
     * Records no subscriber can read, put straight onto every shard: each subscription parks them with their reason
     * and keeps going (the next two steps show both caught up).
     */
    void poisonOnTheStreamIsParked(DevStack stack, ApiClient api) {
        checks.step("[10/14] unreadable records put straight onto every shard of domain-events are parked; nothing stalls");
        var positions = StreamPoison.putOnEveryShard(stack.kinesis(), PublishedStream.DEFAULT_NAME);
        System.out.printf("          -> put %d records (%s) on the stream%n", positions.size(),
                String.join(", ", StreamPoison.KINDS.stream().map(StreamPoison.Kind::label).toList()));
        // a later event on every shard, so that the next steps show every shard caught up past the poison
        var stream = PublishedStream.DEFAULT_NAME;
        var covered = new java.util.TreeSet<String>();
        for (int n = 1; covered.size() < StreamPoison.shardCount(stack.kinesis(), stream) && n <= 64; n++) {
            var after = checks.open(api, "Erin " + n);
            if (covered.add(StreamPoison.shardOf(stack.kinesis(), stream, after))) {
                checks.expectStatus("credit Erin " + n + " 7.00 after the poison",
                        api.post(DemoChecks.path(after, "credit"), "{\"amount\": 7}"), 200);
            }
        }
        checks.check("a later event on every shard (" + covered + ")",
                covered.size() == StreamPoison.shardCount(stack.kinesis(), stream), covered.toString());
        for (var subscription : StackSubscriptions.names()) {
            var parked = checks.waitFor(subscription + " to park every unreadable record", Duration.ofSeconds(90),
                    Duration.ofMillis(500), () -> StreamPoison.parked(stack.dynamo(), subscription, positions),
                    found -> StreamPoison.allParkedAsTheirKind(found, positions),
                    found -> found.size() + " of " + positions.size() + " parked by " + subscription
                            + " (a fresh KCL 3 worker waits 1-30 s before taking its first leases)");
            checks.check(subscription + " parked each unreadable record once, as its kind, with the record's bytes",
                    StreamPoison.allParkedAsTheirKind(parked, positions), parked.toString());
            parked.stream().map(DeadLetter::kind).distinct().sorted().forEach(kind -> System.out.printf(
                    "          -> %-18s %-21s %s%n", subscription, kind, parked.stream().filter(p -> p.kind() == kind)
                            .findFirst().map(DeadLetter::reason).orElse("")));
        }
    }

    /** @param auditor a caller who may read every account: the table holds several owners' accounts */
    void projectionAgrees(DevStack stack, ApiClient auditor) {
        checks.step("[11/14] the balances projection (a KCL worker) agrees with the write side");
        var accounts = PipelineInvariants.table(stack.dynamo()).accounts();
        var agreement = checks.waitFor("the balances projection to show every account at the write side's balance and version",
                Duration.ofSeconds(90), Duration.ofMillis(500),
                () -> PipelineInvariants.balances(auditor, accounts), PipelineInvariants.BalancesAgreement::holds,
                a -> a.agreeing() + " of " + accounts.size()
                        + " accounts projected (a fresh KCL 3 worker waits 1-30 s before taking its first leases)");
        System.out.printf("          %-36s %12s %8s %12s %8s%n", "account", "write side", "version", "projection", "version");
        for (var account : agreement.accounts()) {
            System.out.printf("          %-36s %12s %8d %12s %8s%n", account.accountId(), account.writtenBalance(),
                    account.writtenVersion(), account.projectedBalance(),
                    account.projectedStatus() == 200 ? Long.toString(account.projectedVersion()) : "-");
        }
        checks.check(agreement.claim());
    }

    private static DomainEventStream stream(DevStack stack) {
        return new DomainEventStream(stack.kinesis(), PublishedStream.DEFAULT_NAME);
    }
}
