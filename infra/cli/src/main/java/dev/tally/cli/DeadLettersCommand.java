package dev.tally.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.devstack.DevStack;
import dev.tally.devstack.StackSubscriptions;
import example.alerts.AlertsSettings;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.standins.lambda.DeadLetterStore;
import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import dev.tally.subscriptions.Redrive;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists what the event-source mappings and the subscriptions set aside. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = {"List what was set aside, and why.",
                "Without --subscription: the records the event-source mappings (the stream translator's, the "
                        + "example subscriber's) sent to their on-failure destination. With --subscription NAME: the records that subscription of "
                        + "domain-events parked in its dead-letter table (the running stack's: "
                        + ProjectionEnvironment.BALANCES_APPLICATION + ", " + AnalyticsEnvironment.LAKE_WRITER_APPLICATION
                        + ", " + AlertsSettings.DEFAULT_SUBSCRIPTION + "), each with its position, kind, reason and the "
                        + "record as it arrived."})
final class DeadLettersCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "The stack's data folder (default: .tally/data in the checkout).")
    Path dataDir;

    @Option(names = "--subscription", paramLabel = "NAME",
            description = "A subscription of domain-events, e.g. " + ProjectionEnvironment.BALANCES_APPLICATION + ".")
    String subscription;

    @Option(names = "--json", description = "Print each entry as JSON (for the translator: Lambda's invocation-record shape).")
    boolean json;

    @Option(names = "--redrive", description = "With --subscription: deliver its dead letters again, each account's by version, "
            + "through the subscription itself (after a fix); each is then kept as redriven, or parked again with its "
            + "new reason. --redriven lists what was redriven.")
    boolean redrive;

    @Option(names = "--redriven", description = "With --subscription: list the dead letters that were redriven.")
    boolean redriven;

    @Override
    public Integer call() throws Exception {
        if ((redrive || redriven) && subscription == null) {
            System.err.println("tally: --redrive and --redriven need --subscription NAME");
            return 2;
        }
        if (subscription != null) {
            return subscriptionDeadLetters();
        }
        var file = (dataDir != null ? dataDir : TallyCli.home().resolve(".tally/data")).resolve(DeadLetterStore.FILE_NAME);
        var entries = Files.exists(file) ? DeadLetterStore.read(file) : java.util.List.<com.fasterxml.jackson.databind.node.ObjectNode>of();
        if (entries.isEmpty()) {
            System.out.println("no dead letters in " + file);
            return 0;
        }
        for (var entry : entries) {
            if (json) {
                System.out.println(entry);
                continue;
            }
            var info = entry.has("KinesisBatchInfo") ? entry.path("KinesisBatchInfo") : entry.path("DDBStreamBatchInfo");
            var function = entry.path("requestContext").path("functionArn").asText();
            System.out.printf("%s  %s  %s  %s  records %s..%s (%d)%n    reason: %s%n", entry.path("timestamp").asText(),
                    function.substring(function.lastIndexOf(':') + 1),
                    entry.path("requestContext").path("condition").asText(), info.path("shardId").asText(),
                    info.path("startSequenceNumber").asText(), info.path("endSequenceNumber").asText(),
                    info.path("batchSize").asInt(), entry.path("reason").asText());
        }
        return 0;
    }

    private int subscriptionDeadLetters() throws java.io.IOException {
        var stack = StackEnvironment.running();
        try (var dynamo = DevStack.client(DynamoDbClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_DYNAMODB")))) {
            var table = DeadLetterTable.nameFor(subscription);
            var store = new DynamoDeadLetterStore(dynamo, table);
            List<DeadLetter> parked;
            try {
                parked = redriven ? store.redriven(subscription) : store.list(subscription);
            } catch (ResourceNotFoundException e) {
                System.err.println("tally: no subscription " + subscription + " in the running stack (no table " + table
                        + "); its subscriptions: " + String.join(", ", StackSubscriptions.names()));
                return 2;
            }
            if (redrive) {
                return redrive(stack, dynamo, store);
            }
            if (parked.isEmpty()) {
                System.out.println(redriven ? "nothing redriven for " + subscription : "no dead letters for " + subscription);
                return 0;
            }
            var mapper = new ObjectMapper();
            for (var letter : parked) {
                var record = letter.record();
                if (json) {
                    System.out.println(mapper.createObjectNode().put("subscription", letter.subscription())
                            .put("shardId", record.shardId()).put("sequenceNumber", record.sequenceNumber())
                            .put("partitionKey", record.partitionKey()).put("arrivedAt", record.arrivedAt().toString())
                            .put("kind", letter.kind().name()).put("reason", letter.reason())
                            .put("attempts", letter.attempts()).put("parkedAt", letter.parkedAt().toString())
                            .put("data", Base64.getEncoder().encodeToString(record.data())));
                    continue;
                }
                System.out.printf("%s  %-20s %s  account %s%n    reason: %s%n    record: %s%n", letter.parkedAt(),
                        letter.kind(), record.position(), record.partitionKey(), letter.reason(), preview(record.data()));
            }
            System.out.println(parked.size() + (redriven ? " redriven letter(s) for " : " dead letter(s) for ") + subscription);
            return 0;
        }
    }

    /** Runs the running stack's subscription over its dead letters, in this process, as its worker would. */
    private int redrive(Map<String, String> stack, DynamoDbClient dynamo, DynamoDeadLetterStore store) {
        var closing = new java.util.ArrayList<AutoCloseable>();
        try {
            var target = StackSubscriptions.build(subscription, stack, dynamo, closing, System.out::println);
            if (target.isEmpty()) {
                System.err.println("tally: cannot redrive " + subscription + "; the running stack's subscriptions are "
                        + String.join(", ", StackSubscriptions.names()));
                return 2;
            }
            var result = Redrive.run(target.get(), store, Clock.systemUTC(), line -> System.out.println("  " + line));
            System.out.println(result.redriven() + " redriven, " + result.stillParked() + " still parked, for " + subscription);
            return result.stillParked() == 0 ? 0 : 1;
        } finally {
            DevStack.closeAll(closing);
        }
    }

    private static String preview(byte[] data) {
        var text = new String(data, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }
}
