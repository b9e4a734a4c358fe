package dev.tally.accountsapi;

import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * One command at a time per account within this process. Where one process serves many requests at once (the
 * local stack, a container), commands on a hot account would otherwise race each other through the optimistic lock
 * and lose most rounds; queued here in arrival order (fair locks) they run back to back at the serial rate. A Lambda
 * instance serves one request at a time, so there it never waits: races between instances are still settled by the
 * conditional put and the retries, as before.
 *
 * <p>A command that leaves the account behind it while another is queued for its lock hands its state on
 * ({@link Turn#leave}): the next command starts from it instead of reading the newest events again, so a queued
 * credit costs one conditional put rather than a Query and a put. A state is handed on only while a command waits,
 * and dropped unless taken within {@link #HANDED_FOR} (a waiter that gave up leaves it unclaimed), so it is a
 * moment old; if another process wrote meanwhile, the conditional put fails and the command catches up as after any
 * lost race, and a refusal decided on a handed state is checked against a fresh read first.
 *
 * <p>Striped: accounts share {@value #STRIPES} locks by hash, so two accounts may wait on each other now and then,
 * never for longer than {@link #MAXIMUM_WAIT}, after which the command goes ahead unqueued and relies on the
 * optimistic lock alone. Nothing here is needed for correctness.
 */
public final class SingleFlight {

    static final int STRIPES = 1024;
    static final Duration MAXIMUM_WAIT = Duration.ofSeconds(5);
    /** How long a handed state may wait for the next command before it is too old to start from. */
    static final Duration HANDED_FOR = Duration.ofSeconds(1);

    /** No queueing: every command goes straight to the optimistic lock. */
    public static final SingleFlight NONE = new SingleFlight(false, false);

    /** None when commands are not queued. */
    private final ReentrantLock[] locks;
    /** Per stripe, the state the last command left for the next in its queue; read and written under its lock. */
    private final Handed[] handedOn;
    private final boolean handOff;

    /** A state left for the next command, and when (System.nanoTime). */
    private record Handed(AccountState state, long at) {
    }

    /** One command's turn on its account. */
    static final class Turn {
        private final Optional<AccountState> handed;
        private AccountState left;

        private Turn(Optional<AccountState> handed) {
            this.handed = handed;
        }

        /** A turn outside any queue (a new account's, or without single-flight): nothing handed, nothing passed on. */
        static Turn alone() {
            return new Turn(Optional.empty());
        }

        /** The account's state as the command before this one left it, if it was queued right behind it. */
        Optional<AccountState> handed() {
            return handed;
        }

        /** The account's state after this command (what it appended, or the fresh state it refused on). */
        void leave(AccountState state) {
            left = state;
        }
    }

    private SingleFlight(boolean queued, boolean handOff) {
        this.handOff = handOff;
        this.locks = queued ? IntStream.range(0, STRIPES).mapToObj(i -> new ReentrantLock(true)).toArray(ReentrantLock[]::new)
                : new ReentrantLock[0];
        this.handedOn = new Handed[locks.length];
    }

    /** Queues the commands of each account, each handing its state on to the next. */
    public static SingleFlight perAccount() {
        return new SingleFlight(true, true);
    }

    /** Queues the commands of each account, each reading the account afresh: B8 measures what the hand-off saves. */
    public static SingleFlight perAccountWithoutHandOff() {
        return new SingleFlight(true, false);
    }

    <T> T run(AccountId account, Function<Turn, T> work) {
        if (locks.length == 0) {
            return work.apply(Turn.alone());
        }
        int stripe = Math.floorMod(account.hashCode(), STRIPES);
        var lock = locks[stripe];
        boolean held;
        try {
            held = lock.tryLock(MAXIMUM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the account's turn", e);
        }
        if (!held) {
            return work.apply(Turn.alone());
        }
        var handed = handedOn[stripe];
        handedOn[stripe] = null;
        var turn = new Turn(Optional.ofNullable(handed)
                .filter(h -> h.state().accountId().equals(account) && System.nanoTime() - h.at() <= HANDED_FOR.toNanos())
                .map(Handed::state));
        try {
            return work.apply(turn);
        } finally {
            // only for a command already waiting: a state kept for nobody would grow stale
            handedOn[stripe] = handOff && turn.left != null && lock.hasQueuedThreads()
                    ? new Handed(turn.left, System.nanoTime()) : null;
            lock.unlock();
        }
    }
}
