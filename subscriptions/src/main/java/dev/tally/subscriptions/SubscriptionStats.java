package dev.tally.subscriptions;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a subscription did since its process started, as {@link Subscription#stats()} counts it.
 *
 * <p>Locally, a process that runs a subscription writes these every second to a file in the folder named by
 * {@link #DIRECTORY}, when its environment names one ({@link #reportEvery}), so that {@code ./tally status} can show
 * them; the local stack sets it. In AWS nothing sets it: there, metrics are the operators' view.
 */
public record SubscriptionStats(String subscription, long handled, long parked, long retried, long duplicates, Instant at) {

    /** The environment variable naming the folder stats files go to. */
    public static final String DIRECTORY = "TALLY_SUBSCRIPTION_STATS_DIR";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file {@code subscription}'s stats are kept in under {@code directory}. */
    public static Path file(Path directory, String subscription) {
        return directory.resolve(subscription + ".json");
    }

    /** The stats last written for {@code subscription}; empty if none were. */
    public static Optional<SubscriptionStats> read(Path directory, String subscription) {
        var file = file(directory, subscription);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            var node = JSON.readTree(file.toFile());
            return Optional.of(new SubscriptionStats(node.path("subscription").asText(), node.path("handled").asLong(),
                    node.path("parked").asLong(), node.path("retried").asLong(), node.path("duplicates").asLong(),
                    Instant.parse(node.path("at").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes these stats, whole or not at all (a temporary file moved into place). */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            var file = file(directory, subscription);
            var temp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), Map.of("subscription", subscription, "handled", handled, "parked", parked,
                    "retried", retried, "duplicates", duplicates, "at", at.toString()));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a {@link #reportEvery} reporter, after writing the stats once more; never throws. */
    public interface Reporter extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Writes {@code subscription}'s stats every {@code every} to the folder {@code environment} names under
     * {@link #DIRECTORY}, on a daemon thread, until the returned handle is closed (which writes them once more).
     * Without that variable it does nothing. Failing to write is ignored: the stats are a local convenience.
     */
    public static Reporter reportEvery(Duration every, Map<String, String> environment, Subscription subscription) {
        var directory = environment.get(DIRECTORY);
        if (directory == null || directory.isBlank()) {
            return () -> { };
        }
        var folder = Path.of(directory);
        var reporter = Thread.ofPlatform().name(subscription.name() + "-stats").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    subscription.stats().write(folder);
                } catch (RuntimeException e) {
                    // a convenience for ./tally status: the subscription goes on without it
                }
            }
        });
        return () -> {
            reporter.interrupt();
            try {
                reporter.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                subscription.stats().write(folder);
            } catch (RuntimeException e) {
                // as above
            }
        };
    }
}
