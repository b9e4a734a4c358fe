package dev.tally.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/** The settings of the stack that {@code ./tally up} is running, as it wrote them to .tally/stack.env. */
final class StackEnvironment {

    private StackEnvironment() {
    }

    /** @throws IllegalStateException if no stack is running */
    static Map<String, String> running() throws IOException {
        var file = TallyCli.stackFile();
        var values = Files.exists(file) ? EnvCommand.read(file) : Map.<String, String>of();
        var pid = values.get(EnvCommand.PID);
        boolean alive = pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            throw new IllegalStateException("no local stack is running; start one with ./tally up");
        }
        return values;
    }
}
