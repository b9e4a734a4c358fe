package dev.tally.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A KCL worker (the balances projection, the lake writer) as its own JVM process, as it runs in production (one
 * container per worker): it can be killed with -9 and restarted like the real thing. It runs {@code mainClass}
 * from this process's class path, configured only through environment variables, and exits when this process
 * goes away.
 */
public final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Class<?> mainClass;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    WorkerProcess(String name, Class<?> mainClass, Map<String, String> environment, Path log) {
        this.name = name;
        this.mainClass = mainClass;
        this.environment = environment;
        this.log = log;
        start();
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dorg.slf4j.simpleLogger.log.software.amazon.kinesis=info");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.add("--exit-with-parent");
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            log.toFile().getParentFile().mkdirs();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name, e);
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
