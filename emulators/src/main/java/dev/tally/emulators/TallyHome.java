package dev.tally.emulators;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The checkout's root folder, where ./tally installed the pinned emulators into node_modules. */
public final class TallyHome {

    /** The variable naming the checkout's root; ./tally sets it. */
    public static final String VARIABLE = "TALLY_HOME";

    private TallyHome() {
    }

    /** The folder named by the {@code tally.home} system property or the {@code TALLY_HOME} variable, if one is. */
    public static Optional<Path> configured() {
        var configured = System.getProperty("tally.home", System.getenv(VARIABLE));
        return configured == null || configured.isBlank() ? Optional.empty()
                : Optional.of(Path.of(configured).toAbsolutePath().normalize());
    }

    /**
     * The folder named by the {@code tally.home} system property or the {@code TALLY_HOME} variable (./tally and
     * the Maven build set one), else the nearest parent of the working directory that holds package.json.
     *
     * @throws IllegalStateException if none is found or the emulators are not installed; run ./tally, which
     *                               installs them with npm ci
     */
    public static Path locate() {
        Path home = configured().orElse(null);
        if (home == null) {
            for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("package.json")) && Files.isRegularFile(dir.resolve("tally"))) {
                    home = dir;
                    break;
                }
            }
        }
        if (home == null) {
            throw new IllegalStateException("cannot find the Tally checkout: set TALLY_HOME or run through ./tally");
        }
        if (!Files.isDirectory(home.resolve("node_modules/dynalite"))) {
            throw new IllegalStateException("the local emulators are not installed under " + home.resolve("node_modules")
                    + ": run ./tally (it runs npm ci), or npm ci in " + home);
        }
        return home;
    }
}
