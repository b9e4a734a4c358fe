package dev.tally.cli.bench;

import dev.tally.devstack.Progress;

import java.nio.file.Path;
import java.util.Locale;

/** B7: a write-api Lambda's cold start in a fresh JVM, the primed (SnapStart-restored) path, and the jar's size. */
final class ColdStartBench {

    static final long TARGET_MILLIS = 1000;
    /** 10 MB, in bytes as decimal megabytes. */
    static final long TARGET_BYTES = 10_000_000;

    private ColdStartBench() {
    }

    static void run(BenchDoc doc, Path home, int runs, Progress progress) {
        var section = doc.section("B7", "A write-api Lambda's cold start and jar size",
                "fresh JVM to the first answered request < " + TARGET_MILLIS + " ms; jar ≤ 10 MB; primed path warm");
        progress.step("B7: " + runs + " fresh JVMs running the accounts-api jar's credit handler");
        var figures = ColdStart.measure(home.resolve(ColdStart.ACCOUNTS_API_JAR), runs);
        var fresh = new Sample(figures.freshJvmMillis().stream().map(Long::doubleValue).toList());
        section.columns("figure", "value");
        section.row("fresh JVM, process start to the first answered `POST /accounts/{id}/credit` (ms)", fresh.format(0));
        section.row("after SnapStart priming, a new handler's first request (ms)", figures.primedMillis());
        section.row("accounts-api-lambda.jar (bytes)", String.format(Locale.ROOT, "%,d", figures.jarBytes()));
        section.note("Each fresh JVM runs the shaded jar alone (with the JIT options the CDK app gives the functions: "
                + String.join(" ", ColdStart.LAMBDA_JVM_OPTIONS) + ") and a small invoker that builds the handler as "
                + "Lambda's runtime would and sends it one credit against dynalite on loopback. Real checkpoints and "
                + "restores need Lambda: the primed figure is the first request of a new handler after "
                + "`SnapStartPriming.beforeCheckpoint` ran in the same JVM, which is what a restored snapshot answers "
                + "first. In a fresh start about 0.7 s goes to building the handler (about half of it log4j starting "
                + "and reading its configuration, the rest the DynamoDB client) and 0.4–0.5 s to the first request. "
                + "SnapStart moves both before the snapshot: that is the way under a second, not a smaller start.");
        section.note("The jar was 13,604,471 bytes before this work: shade's minimizeJar (keeping whole what loads by "
                + "name: log4j, Jackson, Tally's modules), and leaving out joda-time and the SDK's endpoint data for "
                + "every service, brought it down; what is left is mostly the DynamoDB model (2.1 MB compressed), "
                + "log4j (1.8 MB) and Jackson databind (1.5 MB). Reaching 10 MB needs one of those gone: a trimmed "
                + "DynamoDB model, or http-api's JSON on jackson-core alone. Not done.");
        boolean met = fresh.median() < TARGET_MILLIS && figures.jarBytes() <= TARGET_BYTES;
        section.outcome(met ? BenchDoc.Verdict.MET : BenchDoc.Verdict.MISSED, String.format(Locale.ROOT,
                "fresh JVM %s ms; primed %d ms; jar %,d bytes", fresh.format(0), figures.primedMillis(), figures.jarBytes()));
    }
}
