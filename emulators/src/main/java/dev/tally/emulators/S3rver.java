package dev.tally.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * s3rver, the S3 emulator, on a loopback port, keeping objects as files under a data folder (a temporary one,
 * deleted on close, when none is given).
 *
 * <p>Clients must use path-style access, the credentials {@link #ACCESS_KEY}/{@link #SECRET_KEY}, and
 * {@code S3Configuration.chunkedEncodingEnabled(false)}: with chunked encoding on, uploads are silently corrupted.
 * CopyObject fails on keys containing {@code =} (DESIGN.md). It runs with {@code --openssl-legacy-provider}, which
 * its signature code needs on Node.js 17 and later.
 */
public final class S3rver extends EmulatorProcess {

    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";

    private static final String LAUNCHER = """
            const [port, directory, ...buckets] = process.argv.slice(1);
            const S3rver = require('s3rver');
            new S3rver({ port: Number(port), address: '127.0.0.1', directory, silent: true,
                         configureBuckets: buckets.map(name => ({ name })) })
              .run((err) => { if (err) { console.error(err); process.exit(1); } (%s)(); })""".formatted(READY_CALLBACK);

    private final Optional<Path> temporaryData;

    private S3rver(List<String> args, Optional<Path> temporaryData) {
        super("s3rver", List.of("--openssl-legacy-provider"), LAUNCHER, args);
        this.temporaryData = temporaryData;
    }

    /**
     * Starts s3rver on 127.0.0.1:{@code port} (0 picks a free one), with objects under {@code dataDir} or in a
     * temporary folder, and the given buckets created if missing.
     */
    public static S3rver start(int port, Optional<Path> dataDir, List<String> buckets) {
        Optional<Path> temporary = Optional.empty();
        if (dataDir.isEmpty()) {
            try {
                temporary = Optional.of(Files.createTempDirectory("tally-s3rver-"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a data folder for s3rver", e);
            }
        }
        var args = new java.util.ArrayList<>(portAndDataDir(port, dataDir.isPresent() ? dataDir : temporary));
        args.addAll(buckets);
        return new S3rver(args, temporary);
    }

    @Override
    public void close() {
        super.close();
        temporaryData.ifPresent(S3rver::deleteRecursively);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
