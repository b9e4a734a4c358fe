package dev.tally.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.devstack.DevStack;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.standins.lambda.DeadLetterStore;
import dev.tally.subscriptions.DeadLetter;
import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.DynamoDeadLetterStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/** Lists what the event-source mappings and the subscriptions set aside. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = {"List what was set aside, and why.",
                "Without --subscription: the records the stream translator's event-source mapping sent to its "
                        + "on-failure destination. With --subscription NAME: the records that subscription of "
                        + "domain-events parked in its dead-letter table (the running stack's: "
                        + ProjectionEnvironment.BALANCES_APPLICATION + ", " + AnalyticsEnvironment.LAKE_WRITER_APPLICATION
                        + "), each with its position, kind, reason and the record as it arrived."})
final class DeadLettersCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "The stack's data folder (default: .tally/data in the checkout).")
    Path dataDir;

    @Option(names = "--subscription", paramLabel = "NAME",
            description = "A subscription of domain-events, e.g. " + ProjectionEnvironment.BALANCES_APPLICATION + ".")
    String subscription;

    @Option(names = "--json", description = "Print each entry as JSON (for the translator: Lambda's invocation-record shape).")
    boolean json;

    @Override
    public Integer call() throws Exception {
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
            var info = entry.path("DDBStreamBatchInfo");
            System.out.printf("%s  %s  %s  records %s..%s (%d)%n    reason: %s%n", entry.path("timestamp").asText(),
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
            List<DeadLetter> parked;
            try {
                parked = new DynamoDeadLetterStore(dynamo, table).list(subscription);
            } catch (ResourceNotFoundException e) {
                System.err.println("tally: no subscription " + subscription + " in the running stack (no table " + table
                        + "); its subscriptions: " + ProjectionEnvironment.BALANCES_APPLICATION + ", "
                        + AnalyticsEnvironment.LAKE_WRITER_APPLICATION);
                return 2;
            }
            if (parked.isEmpty()) {
                System.out.println("no dead letters for " + subscription);
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
            System.out.println(parked.size() + " dead letter(s) for " + subscription);
            return 0;
        }
    }

    private static String preview(byte[] data) {
        var text = new String(data, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }
}
