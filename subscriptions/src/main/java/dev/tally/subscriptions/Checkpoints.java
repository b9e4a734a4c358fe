package dev.tally.subscriptions;

import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

import java.time.Duration;
import java.util.function.Consumer;

/** Checkpointing the way every Tally consumer does it: after the batch's effects are durable, never before. */
final class Checkpoints {

    private static final int MAX_THROTTLED_ATTEMPTS = 5;

    private Checkpoints() {
    }

    /**
     * Checkpoints at the last record delivered, retrying throttling with a pause. A lost lease is logged and
     * ignored: the new owner resumes from the previous checkpoint, and Tally's consumers are idempotent.
     *
     * @throws IllegalStateException after {@value #MAX_THROTTLED_ATTEMPTS} throttled attempts
     */
    static void checkpoint(RecordProcessorCheckpointer checkpointer, String shardId, Duration pause,
                                  Consumer<String> log) {
        for (int attempt = 1; ; attempt++) {
            try {
                checkpointer.checkpoint();
                return;
            } catch (ThrottlingException e) {
                if (attempt >= MAX_THROTTLED_ATTEMPTS) {
                    throw new IllegalStateException("checkpoint of " + shardId + " throttled " + attempt + " times", e);
                }
                sleep(pause);
            } catch (ShutdownException | InvalidStateException e) {
                log.accept("cannot checkpoint " + shardId + ": " + e.getMessage());
                return;
            }
        }
    }

    /** Sleeps; on interruption restores the flag and returns false. */
    static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
