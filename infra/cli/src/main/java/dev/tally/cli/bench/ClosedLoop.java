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

    /** How warming stops: once two rounds in a row agree within this fraction, or after {@link #MAX_WARM_ROUNDS}. */
    static final double STEADY_WITHIN = 0.10;
    static final int MIN_WARM_ROUNDS = 3;
    static final int MAX_WARM_ROUNDS = 12;

    private ClosedLoop() {
    }

    /**
     * Runs rounds of {@code commands} at {@code concurrency} until the rate is steady: the JIT of every JVM on the
     * path has compiled what the load runs, so that what is measured next is the steady state and not the compiler
     * (a cold API path spends as much CPU compiling as serving). {@code between} runs after each round, e.g. waiting
     * for the consumers to catch up so that they are warmed too.
     *
     * @return the rate of each round, in order
     */
    static List<Double> warm(int commands, int concurrency, Command command, Runnable between,
                             java.util.function.Consumer<String> progress) throws Exception {
        var rates = new ArrayList<Double>();
        for (int round = 1; round <= MAX_WARM_ROUNDS; round++) {
            rates.add(run(commands, concurrency, command).perSecond());
            between.run();
            progress.accept(String.format(java.util.Locale.ROOT, "warming: round %d, %.0f/s", round,
                    rates.getLast()));
            if (round >= MIN_WARM_ROUNDS && steady(rates.get(round - 2), rates.getLast())) {
                break;
            }
        }
        return rates;
    }

    static boolean steady(double before, double after) {
        return Math.abs(after - before) <= STEADY_WITHIN * Math.max(before, after);
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
