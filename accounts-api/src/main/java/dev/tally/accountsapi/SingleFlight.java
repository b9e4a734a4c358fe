package dev.tally.accountsapi;

import dev.tally.domain.AccountId;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * One command at a time per account within this process. Where one process serves many requests at once (the
 * local stack, a container), commands on a hot account would otherwise race each other through the optimistic lock
 * and lose most rounds; queued here in arrival order (fair locks) they run back to back at the serial rate. A Lambda
 * instance serves one request at a time, so there it never waits: races between instances are still settled by the
 * conditional put and the retries, as before.
 *
 * <p>Striped: accounts share {@value #STRIPES} locks by hash, so two accounts may wait on each other now and then,
 * never for longer than {@link #MAXIMUM_WAIT}, after which the command goes ahead unqueued and relies on the
 * optimistic lock alone. Nothing here is needed for correctness.
 */
public final class SingleFlight {

    static final int STRIPES = 1024;
    static final Duration MAXIMUM_WAIT = Duration.ofSeconds(5);

    /** No queueing: every command goes straight to the optimistic lock. */
    public static final SingleFlight NONE = new SingleFlight(false);

    /** None when commands are not queued. */
    private final ReentrantLock[] locks;

    private SingleFlight(boolean queued) {
        this.locks = queued ? IntStream.range(0, STRIPES).mapToObj(i -> new ReentrantLock(true)).toArray(ReentrantLock[]::new)
                : new ReentrantLock[0];
    }

    /** Queues the commands of each account. */
    public static SingleFlight perAccount() {
        return new SingleFlight(true);
    }

    <T> T run(AccountId account, Supplier<T> work) {
        if (locks.length == 0) {
            return work.get();
        }
        var lock = locks[Math.floorMod(account.hashCode(), STRIPES)];
        boolean held;
        try {
            held = lock.tryLock(MAXIMUM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the account's turn", e);
        }
        try {
            return work.get();
        } finally {
            if (held) {
                lock.unlock();
            }
        }
    }
}
