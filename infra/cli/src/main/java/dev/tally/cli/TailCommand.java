package dev.tally.cli;

import dev.tally.cli.load.DomainEventStream;
import dev.tally.contracts.DomainEvent;
import dev.tally.contracts.PublishedStream;
import dev.tally.contracts.UnreadableDomainEventException;
import dev.tally.devstack.DevStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** Follows the published domain events on Kinesis. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Follow the domain events on Kinesis, one readable line each.",
                "Reads the running stack's stream until Ctrl-C (or --limit)."})
final class TailCommand implements Callable<Integer> {

    @Option(names = "--from-start", description = "Start at the oldest record kept (TRIM_HORIZON), not at new ones.")
    boolean fromStart;

    @Option(names = "--json", description = "Print each record's JSON as published.")
    boolean json;

    @Option(names = "--limit", defaultValue = "0", description = "Stop after this many events (default: never).")
    int limit;

    @Option(names = "--stream", defaultValue = PublishedStream.DEFAULT_NAME,
            description = "Kinesis stream (default: ${DEFAULT-VALUE}).")
    String stream;

    @Override
    public Integer call() throws Exception {
        var stack = StackEnvironment.running();
        try (var kinesis = DevStack.client(KinesisClient.builder(), URI.create(stack.get("AWS_ENDPOINT_URL_KINESIS")))) {
            var seen = new AtomicInteger();
            new DomainEventStream(kinesis, stream).follow(fromStart, received -> {
                System.out.println(json ? new String(received.data(), StandardCharsets.UTF_8) : describe(received));
                System.out.flush();
                seen.incrementAndGet();
            }, () -> limit <= 0 || seen.get() < limit);
        }
        return 0;
    }

    static String describe(DomainEventStream.Received received) {
        try {
            var event = received.event();
            var amount = switch (event) {
                case DomainEvent.AccountCreated created -> "opened" + (created.displayName() == null ? ""
                        : " \"" + created.displayName() + "\"");
                case DomainEvent.BalanceCredited credited -> "+" + credited.amount();
                case DomainEvent.BalanceWithdrawn withdrawn -> "-" + withdrawn.amount();
            };
            var actor = event.actor() == null ? "-" : event.actor().subject();
            return String.format("%-30s %-16s %s v%-4d %-14s balance %10s  by %s  %s", event.occurredAt(), event.type(),
                    event.accountId(), event.version(), amount, event.balanceAfter(), actor, received.shardId());
        } catch (UnreadableDomainEventException e) {
            return "unreadable record " + received.sequenceNumber() + " on " + received.shardId() + ": " + e.getMessage();
        }
    }
}
