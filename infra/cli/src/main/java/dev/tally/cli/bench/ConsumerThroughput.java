package dev.tally.cli.bench;

import dev.tally.contracts.PublishedStream;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.Progress;
import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;
import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventTable;
import dev.tally.observability.Metric;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.standins.lambda.DynamodbEvents;
import dev.tally.standins.lambda.LocalLambdaContext;
import dev.tally.translator.StreamTranslatorEnvironment;
import dev.tally.translator.StreamTranslatorHandler;
import dev.tally.translator.TranslatorMapping;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * B5: the translator and the balances projection on their own. The translator's handler is invoked in this
 * process with batches as its mapping builds them (the INSERT records of new events), publishing to the real
 * Kinesis stream; its records/s and CPU per record are measured on the invoking thread. The balances worker (its
 * own process, KCL) then drains what was published; its rate is read from its metrics and its CPU from the kernel's
 * account of the process.
 */
final class ConsumerThroughput {

    private ConsumerThroughput() {
    }

    static void run(BenchStack bench, BenchDoc doc, int runs, int accounts, int eventsPerAccount, Progress progress)
            throws Exception {
        var section = doc.section("B5", "Translator and projection throughput on their own", "recorded");
        section.columns("run", "records", "translator records/s", "translator CPU ms/record",
                "projection events/s", "projection worker CPU ms/event");
        var translatorRates = new double[runs];
        var translatorCpu = new double[runs];
        var projectionRates = new double[runs];
        var projectionCpu = new double[runs];
        var handler = new StreamTranslatorHandler(StreamTranslatorEnvironment.fromEnvironment(
                Map.of(PublishedStream.NAME, PublishedStream.DEFAULT_NAME), bench.stack.kinesis()));
        var threads = ManagementFactory.getThreadMXBean();
        for (int run = 0; run < runs; run++) {
            bench.awaitDrained(progress);
            var batches = batches(accounts, eventsPerAccount);
            int records = batches.stream().mapToInt(List::size).sum();
            long workerCpuBefore = StackCpu.processMillis(bench.stack.projectionWorker().pid());
            var since = Instant.now();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (var batch : batches) {
                var response = handler.handleRequest(DynamodbEvents.of(batch, "arn:aws:dynamodb:bench", DevStack.REGION),
                        LocalLambdaContext.of(TranslatorMapping.FUNCTION_NAME, UUID.randomUUID().toString(), Duration.ofMinutes(1)));
                if (!response.getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("the translator failed records: " + response.getBatchItemFailures());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            translatorRates[run] = records / seconds;
            translatorCpu[run] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / records;

            var drained = dev.tally.cli.ConditionWait.until("the balances worker to handle the " + records + " published events",
                    Duration.ofSeconds(120), Duration.ofMillis(500), () -> handled(bench, since),
                    lines -> lines.stream().mapToLong(v -> v[1]).sum() >= records,
                    lines -> progress.step("B5: the projection handled " + lines.stream().mapToLong(v -> v[1]).sum()
                            + " of " + records));
            var lines = drained.last();
            long workerCpu = StackCpu.processMillis(bench.stack.projectionWorker().pid()) - workerCpuBefore;
            long first = lines.stream().mapToLong(v -> v[0]).min().orElse(since.toEpochMilli());
            long last = lines.stream().mapToLong(v -> v[0]).max().orElse(first);
            long handled = lines.stream().mapToLong(v -> v[1]).sum();
            // from the first batch the worker finished to the last: the first batch's own time is not in the span
            projectionRates[run] = handled / Math.max(0.001, (last - first) / 1000.0);
            projectionCpu[run] = workerCpu / (double) Math.max(1, handled);
            section.row(run + 1, records, f(translatorRates[run], 0), f(translatorCpu[run], 2), f(projectionRates[run], 0),
                    f(projectionCpu[run], 2));
            progress.step(String.format(Locale.ROOT, "B5: run %d: translator %.0f records/s (%.2f CPU ms each), "
                    + "projection %.0f events/s (%.2f CPU ms each)", run + 1, translatorRates[run], translatorCpu[run],
                    projectionRates[run], projectionCpu[run]));
        }
        var tRate = Sample.of(translatorRates);
        var pRate = Sample.of(projectionRates);
        section.note(String.format(Locale.ROOT, "Each run: %d new accounts with %d events each, as INSERT records in "
                        + "batches of %d (the mapping's batch size), sorted as a shard would hold them.",
                accounts, eventsPerAccount, TranslatorMapping.BATCH_SIZE));
        section.note(String.format(Locale.ROOT, "What it means for sizing: one translator invocation handles about %s "
                        + "records/s here, and Lambda runs one invocation per DynamoDB stream shard at a time, so a "
                        + "sustained write rate of R events/s needs about R ÷ %.0f shards' worth of concurrent "
                        + "invocations (DynamoDB splits stream shards with the table's partitions, not on demand). One "
                        + "balances worker applies about %s events/s, so R events/s needs about R ÷ %.0f workers, and at "
                        + "least as many Kinesis shards, since KCL gives each shard to one worker.",
                tRate.format(0), tRate.median(), pRate.format(0), pRate.median()));
        section.note("Translator CPU is the invoking thread's (the handler, the SDK's marshalling and its HTTP client); "
                + "kinesalite's own work is another process and not counted. The worker's CPU includes KCL's "
                + "polling, leases and checkpoints and its metrics, measured from /proc for the whole process, so it "
                + "is an upper bound of the projection's own cost. The projection's rate is measured from its first "
                + "handled batch to its last; when the translator published slower than the worker drains, it is the "
                + "arrival rate, a lower bound.");
        section.outcome(BenchDoc.Verdict.RECORDED, "translator " + tRate.format(0) + " records/s, "
                + Sample.of(translatorCpu).format(2) + " CPU ms each; projection " + pRate.format(0) + " events/s, "
                + Sample.of(projectionCpu).format(2) + " CPU ms each");
    }

    /** The balances worker's handled counts since {@code since}: {@code [line time, count]}. */
    private static List<long[]> handled(BenchStack bench, Instant since) {
        return bench.observations(ProjectionEnvironment.BALANCES_APPLICATION, Metric.EVENTS_HANDLED.metricName(), since);
    }

    /** Batches of INSERT records for new accounts, each account's events in version order, accounts interleaved. */
    private static List<List<Record>> batches(int accounts, int eventsPerAccount) {
        var clock = Clock.systemUTC();
        var snapshots = SnapshotPolicy.defaults();
        var owner = new Principal("https://bench.invalid", "translator");
        var states = new ArrayList<dev.tally.domain.AccountState>();
        for (int a = 0; a < accounts; a++) {
            states.add(AccountDecider.initialState(new AccountId(UUID.randomUUID())));
        }
        var records = new ArrayList<Record>();
        long sequence = 1;
        for (int v = 0; v < eventsPerAccount; v++) {
            for (int a = 0; a < accounts; a++) {
                var state = states.get(a);
                AccountEvent event = v == 0 ? new AccountEvent.AccountCreated(state.accountId(), owner, "bench", clock.instant())
                        : new AccountEvent.BalanceCredited(state.accountId(), Money.ofMinor(100 + v), clock.instant());
                var next = AccountDecider.evolve(state, event);
                states.set(a, next);
                var item = EventItemCodec.encode(event, next, snapshots.isSnapshotVersion(next.version()),
                        EventMetadata.of(owner, "bench-" + sequence, java.util.Optional.empty()));
                records.add(insert(item, sequence++));
            }
        }
        var batches = new ArrayList<List<Record>>();
        for (int from = 0; from < records.size(); from += TranslatorMapping.BATCH_SIZE) {
            batches.add(records.subList(from, Math.min(records.size(), from + TranslatorMapping.BATCH_SIZE)));
        }
        return batches;
    }

    private static Record insert(Map<String, AttributeValue> item, long sequence) {
        return Record.builder()
                .eventID(UUID.randomUUID().toString().replace("-", ""))
                .eventName(OperationType.INSERT)
                .eventVersion("1.1")
                .eventSource("aws:dynamodb")
                .awsRegion(DevStack.REGION)
                .dynamodb(StreamRecord.builder()
                        .approximateCreationDateTime(Instant.now())
                        .keys(Map.of(EventTable.ID, item.get(EventTable.ID), EventTable.VERSION, item.get(EventTable.VERSION)))
                        .newImage(item)
                        .sequenceNumber(String.format(Locale.ROOT, "%021d", sequence))
                        .sizeBytes(500L)
                        .streamViewType(StreamViewType.NEW_IMAGE)
                        .build())
                .build();
    }

    private static String f(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
