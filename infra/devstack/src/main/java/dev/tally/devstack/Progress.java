package dev.tally.devstack;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** Progress lines for long work, each stamped with the time since the start. */
public final class Progress {

    private final PrintStream out;
    private final Instant start = Instant.now();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public static Progress silent() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public void step(String message) {
        var elapsed = Duration.between(start, Instant.now());
        out.printf("[%5.1fs] %s%n", elapsed.toMillis() / 1000.0, message);
        out.flush();
    }

    public PrintStream out() {
        return out;
    }
}
