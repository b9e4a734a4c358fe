package dev.tally.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load: {@code concurrency} clients, each sending its next command when the last one is answered,
 * until {@code commands} were sent. The rate it reaches is the system's throughput at that concurrency.
 */
final class ClosedLoop {

    /** One command, numbered from 0; its answer says whether it was applied (goodput). */
    interface Command {
        boolean send(int index) throws Exception;
    }

    record Result(int commands, int applied, double seconds) {
        double perSecond() {
            return commands / seconds;
        }

        double appliedPerSecond() {
            return applied / seconds;
        }
    }

    private ClosedLoop() {
    }

    static Result run(int commands, int concurrency, Command command) throws Exception {
        var next = new AtomicInteger();
        var applied = new AtomicInteger();
        long start = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < commands; i = next.getAndIncrement()) {
                        if (command.send(i)) {
                            applied.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (var client : clients) {
                client.get();
            }
        }
        return new Result(commands, applied.get(), (System.nanoTime() - start) / 1e9);
    }
}
