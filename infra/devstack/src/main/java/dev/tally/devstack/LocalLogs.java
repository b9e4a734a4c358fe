package dev.tally.devstack;

import org.apache.logging.log4j.core.config.Configurator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the local stack's processes log: one JSON-lines file per process (or in-process function) in one folder,
 * which {@code ./tally logs} and {@code ./tally metrics} read. In AWS the same lines go to CloudWatch Logs.
 */
public final class LocalLogs {

    /** The export naming the folder. */
    public static final String EXPORT = "TALLY_LOGS";
    /** A file's suffix; its name before it is the process ({@code ./tally logs --process NAME}). */
    public static final String SUFFIX = ".log";
    /** The file of the stack's own lines and its stand-ins'. */
    public static final String DEVSTACK = "devstack";

    private LocalLogs() {
    }

    /** Sends this process's log lines to {@code folder}, each to the file of its service. */
    static void routeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            System.setProperty("tally.logs", folder.toAbsolutePath().toString());
            Configurator.reconfigure(LocalLogs.class.getResource("/log4j2-devstack.xml").toURI());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log folder " + folder, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file of a process (or in-process service) in {@code folder}. */
    public static Path file(Path folder, String process) {
        return folder.resolve(process + SUFFIX);
    }
}
