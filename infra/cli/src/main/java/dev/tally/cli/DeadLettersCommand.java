package dev.tally.cli;

import dev.tally.standins.lambda.DeadLetterStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Lists what the event-source mappings set aside. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = {"List what the stream translator's mapping set aside, and why.",
                "These are the records its event-source mapping sent to its on-failure destination, with the reason."})
final class DeadLettersCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "The stack's data folder (default: .tally/data in the checkout).")
    Path dataDir;

    @Option(names = "--json", description = "Print each entry as JSON (Lambda's invocation-record shape).")
    boolean json;

    @Override
    public Integer call() throws Exception {
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
}
