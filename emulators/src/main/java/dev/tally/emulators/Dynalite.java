package dev.tally.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private Dynalite(int port, Optional<Path> dataDir) {
        super("dynalite", LAUNCHER, port, args(port, dataDir));
    }

    private static List<String> args(int port, Optional<Path> dataDir) {
        var args = new ArrayList<String>();
        args.add(Integer.toString(port));
        dataDir.ifPresent(dir -> args.add(dir.toAbsolutePath().toString()));
        return args;
    }

    /** Starts an in-memory dynalite on a free port. */
    public static Dynalite inMemory() {
        return start(0, Optional.empty());
    }

    /**
     * Starts dynalite on 127.0.0.1:{@code port} (0 picks a free one), keeping its data under {@code dataDir}
     * (created if missing) or in memory when empty.
     */
    public static Dynalite start(int port, Optional<Path> dataDir) {
        dataDir.ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        });
        return new Dynalite(port == 0 ? FreePort.pick() : port, dataDir);
    }
}
