package dev.tally.devstack;

import dev.tally.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A KCL worker (the balances projection, the lake writer) as its own JVM process, as it runs in production (one
 * container per worker): it can be killed with -9 and restarted like the real thing. It runs {@code mainClass}
 * from this process's class path, configured only through environment variables, and exits when this process
 * goes away.
 *
 * <p>Its stdout (its JSON log lines) is appended to its log file; what it writes to stderr (the JVM's own warnings,
 * a crash before logging starts) is logged as JSON lines of its service into the same file, so that every line of
 * every log is JSON.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    private final String name;
    private final String service;
    private final Class<?> mainClass;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    /** @param service the service it logs as; its log file is {@code service.log} in {@code logDir} */
    WorkerProcess(String name, String service, Class<?> mainClass, Map<String, String> environment, Path logDir) {
        this.name = name;
        this.service = service;
        this.mainClass = mainClass;
        this.environment = environment;
        this.log = LocalLogs.file(logDir, service);
        start();
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.add("--exit-with-parent");
        var builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            log.toFile().getParentFile().mkdirs();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name, e);
        }
        var stderr = process.getErrorStream();
        Thread.ofPlatform().name(service + "-stderr").daemon().start(() -> pump(stderr));
    }

    private void pump(java.io.InputStream stderr) {
        try (var lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8));
             var fields = LogContext.with(LogContext.SERVICE, service)) {
            for (String line; (line = lines.readLine()) != null; ) {
                LOG.warn("stderr: {}", line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Kills the worker with SIGKILL: no shutdown hook, no final checkpoint. */
    public synchronized void killHard() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path log() {
        return log;
    }

    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(35, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : " (pid " + process.pid() + ")");
    }
}
