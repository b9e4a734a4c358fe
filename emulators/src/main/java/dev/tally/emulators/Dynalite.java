package dev.tally.emulators;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * dynalite, the DynamoDB emulator, on a loopback port. Data lives in memory, or under a folder when one is given.
 *
 * <p>{@code createTableMs: 0} makes tables ACTIVE at once; with the default the SDK's waiter takes about 20 s.
 * dynalite lacks transactions, PartiQL, TTL and DynamoDB Streams (see DESIGN.md).
 */
public final class Dynalite extends EmulatorProcess {

    private static final String LAUNCHER = """
            const [port, path] = process.argv.slice(1);
            const options = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
            if (path) options.path = path;
            require('dynalite')(options).listen(Number(port), '127.0.0.1', %s)""".formatted(READY_CALLBACK);

    private Dynalite(List<String> args) {
        super("dynalite", LAUNCHER, args);
    }

    /** Starts an in-memory dynalite on a free port. */
    public static Dynalite inMemory() {
        return start(0, Optional.empty());
    }

    /** Starts dynalite on 127.0.0.1:{@code port} (0 picks a free one), with data under {@code dataDir} or in memory. */
    public static Dynalite start(int port, Optional<Path> dataDir) {
        return new Dynalite(portAndDataDir(port, dataDir));
    }
}
