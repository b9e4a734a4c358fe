package dev.tally.emulators;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kinesalite, the Kinesis emulator, on a loopback port. Its CLI has no host flag, so the launcher binds it to
 * 127.0.0.1 itself.
 *
 * <p>Clients must turn CBOR off: with CBOR on, any response over about 16 KiB fails. {@link #disableCbor()} does it
 * for this JVM, and {@link #CLIENT_ENVIRONMENT} for a child process (the SDK reads {@code CBOR_ENABLED} itself). Address streams by name, not ARN. No enhanced fan-out; async clients must
 * use HTTP/1.1 (see DESIGN.md).
 */
public final class Kinesalite extends EmulatorProcess {

    /** What a process's environment needs for its AWS SDK clients to work against kinesalite. */
    public static final Map<String, String> CLIENT_ENVIRONMENT = Map.of("CBOR_ENABLED", "false");

    private static final String LAUNCHER = """
            const [port, path] = process.argv.slice(1);
            const options = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 };
            if (path) options.path = path;
            require('kinesalite')(options).listen(Number(port), '127.0.0.1', %s)""".formatted(READY_CALLBACK);

    private Kinesalite(List<String> args) {
        super("kinesalite", LAUNCHER, args);
    }

    /** Turns CBOR off for every AWS SDK client this JVM builds from now on. */
    public static void disableCbor() {
        System.setProperty("aws.cborEnabled", "false");
    }

    /** Starts an in-memory kinesalite on a free port. */
    public static Kinesalite inMemory() {
        return start(0, Optional.empty());
    }

    /** Starts kinesalite on 127.0.0.1:{@code port} (0 picks a free one), with data under {@code dataDir} or in memory. */
    public static Kinesalite start(int port, Optional<Path> dataDir) {
        return new Kinesalite(portAndDataDir(port, dataDir));
    }
}
