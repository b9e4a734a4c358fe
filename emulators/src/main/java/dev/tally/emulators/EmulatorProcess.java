package dev.tally.emulators;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One emulator running as a Node.js child process, listening on 127.0.0.1 only.
 *
 * <p>The process is stopped by {@link #close()}, by a JVM shutdown hook (Ctrl-C, normal exit) and, should this
 * JVM die with kill -9, by the emulator itself: its launcher script exits as soon as its standard input reaches
 * end-of-file, which happens when the parent's end of the pipe closes.
 */
public class EmulatorProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;

    /** What a launcher script prints once its server listens; {@link #READY_CALLBACK} prints it. */
    private static final String READY = "tally-emulator-ready";
    /** A listen callback for launcher scripts: announces readiness on stdout. */
    protected static final String READY_CALLBACK = "() => console.log('" + READY + "')";

    /**
     * @param launcherScript JavaScript run by {@code node -e}; it must start the server on 127.0.0.1 and call
     *                       {@link #READY_CALLBACK} once listening
     * @param args           the script's arguments, the port first (see {@link #portAndDataDir})
     */
    protected EmulatorProcess(String name, String launcherScript, List<String> args) {
        this(name, List.of(), launcherScript, args);
    }

    /** @param nodeOptions options for {@code node} itself, before {@code -e} */
    protected EmulatorProcess(String name, List<String> nodeOptions, String launcherScript, List<String> args) {
        this.name = name;
        this.port = Integer.parseInt(args.getFirst());
        requireFree(name, port);
        var home = TallyHome.locate();
        try {
            this.log = Files.createTempFile("tally-" + name + "-", ".log");
            var command = new ArrayList<String>();
            command.add(node());
            command.addAll(nodeOptions);
            command.add("-e");
            command.add(launcherScript + WATCH_PARENT);
            command.addAll(args);
            var builder = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (is Node.js installed?)", e);
        }
        this.shutdownHook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitListening();
    }

    /** Appended to every launcher: exit when the parent goes away (stdin closes). */
    private static final String WATCH_PARENT =
            ";process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();";

    /**
     * The launcher arguments {@code port [dataDir]}, creating the data folder if it is missing. Port 0 picks a
     * free one.
     */
    protected static List<String> portAndDataDir(int port, Optional<Path> dataDir) {
        var args = new ArrayList<String>();
        args.add(Integer.toString(port == 0 ? FreePort.pick() : port));
        dataDir.ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            args.add(dir.toAbsolutePath().toString());
        });
        return args;
    }

    private static String node() {
        var configured = System.getenv("TALLY_NODE");
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    /** Fails fast, naming the port, rather than letting the emulator die and a stranger answer on its port. */
    private static void requireFree(String name, int port) {
        try (var probe = new java.net.ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException inUse) {
            throw new IllegalStateException("cannot start " + name + ": port " + port
                    + " on 127.0.0.1 is in use (another ./tally up?); choose another port");
        }
    }

    private void awaitListening() {
        var deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before listening; "
                        + "its output:\n" + readLog());
            }
            if (readLog().contains(READY)) {
                return;
            }
            try {
                process.waitFor(25, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
        stop();
        throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                + "; its output:\n" + readLog());
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private synchronized void stop() {
        if (!process.isAlive()) {
            return;
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // closing stdin is the polite stop signal; destroy() below is the firm one
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; nothing to remove
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover temp log is harmless
        }
    }

    @Override
    public String toString() {
        return name + " on " + endpoint();
    }
}
