package dev.tally.accountsapi;

import dev.tally.domain.AccountDecider;
import dev.tally.domain.AccountId;
import dev.tally.domain.AccountState;
import dev.tally.domain.Decision;
import dev.tally.domain.Principal;
import dev.tally.domain.Rejection;
import dev.tally.eventstore.AppendResult;
import dev.tally.eventstore.EventMetadata;
import dev.tally.eventstore.EventPage;
import dev.tally.eventstore.EventStore;
import dev.tally.eventstore.IdempotencyKeys;
import dev.tally.eventstore.IdempotencyRecord.Outcome;
import dev.tally.eventstore.IdempotencyRecord;
import dev.tally.eventstore.IdempotencyStore;
import dev.tally.eventstore.OwnedAccounts;
import dev.tally.eventstore.RecordedEvent;
import dev.tally.resilience.Backoff;
import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The command service: load, decide, append, and retry a lost race, with exactly-once effects per idempotency key.
 *
 * <p><b>Idempotency without transactions.</b> A command with a key first claims the key (recording the account and
 * its version at that moment, {@code fromVersion}), then writes its event with the key stored on the event item,
 * then records the outcome on the claim. Before every append attempt it looks for an event carrying its key among
 * the versions after {@code fromVersion}. Appends are conditional on the version, so whoever executes the command
 * (the first request, a retry after a crash, or a concurrent duplicate) either finds the event already written or
 * writes it at a version no other executor can also write: the event exists at most once, whatever step a crash
 * interrupts. event-store/README.md walks through each crash point.
 */
public final class AccountService {

    /** How long a key is remembered. After that, a retry with the same key is a new command. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /**
     * How long a claim without an outcome counts as still running: a duplicate arriving sooner is answered 409 (try
     * again), later it takes the work over. Longer than one command can take with all its retries.
     */
    public static final Duration IN_FLIGHT = Duration.ofSeconds(15);
    /**
     * How often a lost optimistic-concurrency race is retried: enough for 64 concurrent writers on one account (each
     * round lets one of them through) with room to spare; the worst case stays far below API Gateway's 30 s.
     */
    public static final Backoff CONFLICT_RETRIES = new Backoff(40, Duration.ofMillis(10), Duration.ofMillis(150));

    private final EventStore events;
    private final IdempotencyStore idempotency;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Backoff retries;
    private final SingleFlight singleFlight;

    /** A service whose commands meet only the optimistic lock, as separate Lambda instances do. */
    public AccountService(EventStore events, IdempotencyStore idempotency, Clock clock, Supplier<UUID> ids,
                          Backoff retries) {
        this(events, idempotency, clock, ids, retries, SingleFlight.NONE);
    }

    /** @param singleFlight how this process queues the commands of one account ({@link SingleFlight}) */
    public AccountService(EventStore events, IdempotencyStore idempotency, Clock clock, Supplier<UUID> ids,
                          Backoff retries, SingleFlight singleFlight) {
        this.events = events;
        this.idempotency = idempotency;
        this.clock = clock;
        this.ids = ids;
        this.retries = retries;
        this.singleFlight = singleFlight;
    }

    /** The account as of now, strongly consistent; version 0 when it does not exist. */
    public AccountState get(AccountId accountId) {
        return events.load(accountId);
    }

    /** A page of an existing account's history; the caller has checked that it may read the account. */
    public EventPage statement(AccountId accountId, long afterVersion, int limit) {
        return events.readEvents(accountId, afterVersion, limit);
    }

    /** A page of the accounts {@code owner} opened, in account id order (eventually consistent). */
    public OwnedAccounts accountsOf(Principal owner, Optional<AccountId> after, int limit) {
        return events.accountsOwnedBy(owner, after, limit);
    }

    /**
     * Runs a command for {@code actor}. A money movement on an account the actor does not own, or that does not
     * exist, is refused as {@code ACCOUNT_NOT_FOUND} before anything is written, its idempotency claim included.
     *
     * @param context who acts, and the ids recorded on the event
     */
    public CommandResult execute(CommandContext context, AccountRequest request, Optional<String> idempotencyKey) {
        return switch (request) {
            case AccountRequest.Create create -> executeInTurn(context, request, idempotencyKey, SingleFlight.Turn.alone());
            case AccountRequest.Credit credit -> singleFlight.run(credit.accountId(), turn -> executeInTurn(context, request, idempotencyKey, turn));
            case AccountRequest.Withdraw withdraw -> singleFlight.run(withdraw.accountId(), turn -> executeInTurn(context, request, idempotencyKey, turn));
        };
    }

    private CommandResult executeInTurn(CommandContext context, AccountRequest request, Optional<String> idempotencyKey,
                                        SingleFlight.Turn turn) {
        var actor = context.actor();
        var receivedAt = clock.instant();
        AccountId accountId = switch (request) {
            case AccountRequest.Create create -> new AccountId(ids.get());
            case AccountRequest.Credit credit -> credit.accountId();
            case AccountRequest.Withdraw withdraw -> withdraw.accountId();
        };
        var handed = turn.handed();
        var current = request instanceof AccountRequest.Create ? AccountDecider.initialState(accountId)
                : handed.orElseGet(() -> events.load(accountId));
        if (!(request instanceof AccountRequest.Create) && !current.isOwnedBy(actor)) {
            // The decider refuses it too; refusing here first writes no claim for someone else's account.
            return new CommandResult.Refused(accountId, new Rejection(Rejection.Reason.ACCOUNT_NOT_FOUND,
                    "account " + accountId + " does not exist"));
        }
        if (idempotencyKey.isEmpty()) {
            return run(request, actor, current, handed.isPresent(), receivedAt,
                    EventMetadata.of(actor, context.requestId(), context.correlationId(), Optional.empty()),
                    current.version(), context.metrics(), turn);
        }
        var scopedKey = IdempotencyKeys.scoped(actor, idempotencyKey.get());
        var metadata = EventMetadata.of(actor, context.requestId(), context.correlationId(), Optional.of(scopedKey));
        var fingerprint = fingerprint(actor, request);
        var claim = new IdempotencyRecord(scopedKey, fingerprint, accountId, current.version(), receivedAt,
                receivedAt.plus(IDEMPOTENCY_WINDOW), Optional.empty());
        var existing = idempotency.claim(claim, receivedAt);
        if (existing.isEmpty()) {
            return run(request, actor, current, handed.isPresent(), receivedAt, metadata, current.version(),
                    context.metrics(), turn);
        }
        var earlier = existing.get();
        if (!earlier.fingerprint().equals(fingerprint)) {
            return new CommandResult.KeyReused(idempotencyKey.get());
        }
        if (earlier.outcome().orElse(null) instanceof Outcome.Applied applied) {
            return new CommandResult.Applied(earlier.accountId(), applied.balance(), applied.version(), true);
        }
        if (earlier.outcome().isEmpty() && receivedAt.isBefore(earlier.createdAt().plus(IN_FLIGHT))) {
            return new CommandResult.InProgress(idempotencyKey.get(), earlier.createdAt().plus(IN_FLIGHT));
        }
        var state = earlier.accountId().equals(accountId) && handed.isEmpty() ? current : events.load(earlier.accountId());
        if (earlier.outcome().orElse(null) instanceof Outcome.Refused refused) {
            // A refusal is recorded only if no executor applied the command, but a concurrent duplicate may have
            // applied it after another one refused: the event, if there is one, is the truth.
            return findApplied(state.accountId(), scopedKey, earlier.fromVersion(), state.version())
                    .<CommandResult>map(found -> applied(state.accountId(), found))
                    .orElse(new CommandResult.Refused(state.accountId(), refused.rejection(), true));
        }
        // The first request died before recording its outcome: finish its work, or find it done, under its
        // claim's account and starting version.
        return run(request, actor, state, false, earlier.createdAt(), metadata, earlier.fromVersion(), context.metrics(),
                turn);
    }

    private static CommandResult applied(AccountId accountId, RecordedEvent found) {
        return new CommandResult.Applied(accountId, found.balanceAfter(), found.version(), true);
    }

    /**
     * Decides and appends until the command is applied, refused, or out of retries.
     *
     * @param handed whether {@code loaded} is the state the command before this one left ({@link SingleFlight}),
     *               not a fresh read: a refusal is then checked against a fresh read first
     * @param turn   takes the state after the command, for a command queued behind it
     */
    private CommandResult run(AccountRequest request, Principal actor, AccountState loaded, boolean handed,
                              Instant receivedAt, EventMetadata metadata, long fromVersion, Metrics metrics,
                              SingleFlight.Turn turn) {
        var state = loaded;
        boolean fresh = !handed;
        var accountId = loaded.accountId();
        var key = metadata.idempotencyKey();
        // the versions already searched for the key: events never change, so each try searches only the new ones
        long searched = fromVersion;
        var pacer = retries.pacer(java.util.concurrent.ThreadLocalRandom.current());
        int attempt = 1;
        while (true) {
            if (key.isPresent()) {
                var already = findApplied(accountId, key.get(), searched, state.version());
                searched = Math.max(searched, state.version());
                if (already.isPresent()) {
                    var found = already.get();
                    idempotency.complete(key.get(), new Outcome.Applied(found.version(), found.balanceAfter()));
                    return applied(accountId, found);
                }
            }
            switch (AccountDecider.decide(request.toCommand(accountId, actor, receivedAt), state)) {
                case Decision.Rejected rejected -> {
                    if (!fresh) {
                        // another process may have moved the account since the state was handed on
                        state = events.load(accountId);
                        fresh = true;
                        continue;
                    }
                    turn.leave(state);
                    key.ifPresent(k -> idempotency.complete(k, new Outcome.Refused(rejected.rejection())));
                    return new CommandResult.Refused(accountId, rejected.rejection());
                }
                case Decision.Accepted accepted -> {
                    switch (events.append(state, accepted.events(), metadata)) {
                        case AppendResult.Appended appended -> {
                            var after = appended.state();
                            turn.leave(after);
                            key.ifPresent(k -> idempotency.complete(k, new Outcome.Applied(after.version(), after.balance())));
                            return new CommandResult.Applied(accountId, after.balance(), after.version(), false);
                        }
                        case AppendResult.Conflict conflict -> {
                            if (!retries.allowsAttemptAfter(attempt)) {
                                return new CommandResult.ContentionExhausted(accountId, attempt);
                            }
                            metrics.count(Metric.COMMAND_RETRIES, 1);
                            pause(pacer, attempt);
                            // after the pause, read what the winners wrote since, not the whole snapshot window
                            state = events.catchUp(state);
                            fresh = true;
                            attempt++;
                        }
                    }
                }
            }
        }
    }

    private static void pause(Backoff.Pacer pacer, int attempt) {
        try {
            pacer.pauseAfter(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a command", e);
        }
    }

    /** The event carrying {@code key} among versions {@code (fromVersion, toVersion]}, if one was written. */
    private Optional<RecordedEvent> findApplied(AccountId accountId, String key, long fromVersion, long toVersion) {
        long after = fromVersion;
        while (after < toVersion) {
            var page = events.readEvents(accountId, after, (int) Math.min(100, toVersion - after));
            for (var recorded : page.events()) {
                if (recorded.idempotencyKey().filter(key::equals).isPresent()) {
                    return Optional.of(recorded);
                }
            }
            if (page.events().isEmpty()) {
                break;
            }
            after = page.events().getLast().version();
        }
        return Optional.empty();
    }

    private static String fingerprint(Principal principal, AccountRequest request) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest((principal.key() + "|" + request.describe()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
