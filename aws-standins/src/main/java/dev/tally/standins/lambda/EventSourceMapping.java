package dev.tally.standins.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.standins.lambda.StreamSource.Polled;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A stand-in for a Lambda event-source mapping on a stream: a DynamoDB stream ({@link #onDynamoDbStream}, polled
 * through the real {@link DynamoDbStreamsClient}, as {@link DynamodbEvent}s) or a Kinesis data stream
 * ({@link #onKinesisStream}, through the real {@link KinesisClient}, as {@link KinesisEvent}s). It builds batches,
 * invokes the handler and honours the mapping's settings as Lambda documents them for
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html">DynamoDB</a> and
 * <a href="https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html">Kinesis</a>:
 *
 * <ul>
 *   <li>{@code BatchSize} and {@code MaximumBatchingWindowInSeconds}: a batch is invoked when full or when the
 *   window since its first record has passed.</li>
 *   <li>{@code ReportBatchItemFailures}: the lowest reported sequence number is the checkpoint; the records before
 *   it are done, the rest are retried.</li>
 *   <li>{@code BisectBatchOnFunctionError}: a batch whose invocation fails (the function throws) is split in two and
 *   each half retried; splitting does not count against the retry budget. A batch with a reported item failure is
 *   split at that record instead: the records before it are done, the rest retried
 *   (<a href="https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html">as Lambda
 *   documents</a>).</li>
 *   <li>A closed shard is read to its end once, then left alone. Parent and child shards are polled side by side
 *   (Lambda finishes a parent first): the local streams do not reshard.</li>
 *   <li>{@code MaximumRetryAttempts} (-1: until the records expire) and {@code MaximumRecordAgeInSeconds}
 *   (-1: never): what exceeds them goes to the on-failure destination with Lambda's invocation-record shape,
 *   and the shard moves on.</li>
 *   <li>The position is checkpointed per shard after each batch, in a file when there is a data folder, so a
 *   restart does not re-deliver what was done ({@link ShardCheckpoints}).</li>
 *   <li>{@code Enabled} ({@link #enabled(boolean)}): a disabled mapping stops polling and invoking; enabled again, it
 *   goes on from where it stopped, so no record is lost or skipped.</li>
 * </ul>
 * One poller per mapping serves its shards in turn; within a shard, batches are strictly sequential.
 */
public final class EventSourceMapping<E> implements AutoCloseable {

    /** The mapping's settings, named as in the Lambda API. */
    public record Settings(String functionName, int batchSize, Duration maximumBatchingWindow,
                          boolean reportBatchItemFailures, boolean bisectBatchOnFunctionError,
                          int maximumRetryAttempts, Duration maximumRecordAge, boolean startAtTrimHorizon) {
        public Settings {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("BatchSize must be 1 to 10000, was " + batchSize);
            }
            if (maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
                throw new IllegalArgumentException("MaximumRetryAttempts must be -1 to 10000, was " + maximumRetryAttempts);
            }
        }
    }

    /** How often the shard list is read again (Lambda discovers new shards on a similar schedule). */
    private static final Duration SHARD_REFRESH = Duration.ofSeconds(10);
    private static final Duration RETRY_DELAY = Duration.ofMillis(100);
    /** How soon a disabled mapping notices that it was enabled again. */
    private static final Duration DISABLED_CHECK = Duration.ofMillis(50);

    private final ObjectMapper json = new ObjectMapper();
    private final StreamSource<E> source;
    private final String region;
    private final RequestHandler<E, StreamsEventResponse> handler;
    private final Settings settings;
    private final DeadLetterStore deadLetters;
    private final Clock clock;
    private final ShardCheckpoints checkpoints;
    private final Consumer<String> log;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean enabled = new AtomicBoolean(true);
    /** Held by the poller for each round of reads and invocations, so that disabling can wait for the one under way. */
    private final java.util.concurrent.locks.ReentrantLock iteration = new java.util.concurrent.locks.ReentrantLock();
    private final AtomicLong invocations = new AtomicLong();
    private final Thread poller;

    /** A mapping on the DynamoDB stream {@code streamArn}. */
    public static EventSourceMapping<DynamodbEvent> onDynamoDbStream(
            DynamoDbStreamsClient streams, String streamArn, String region,
            RequestHandler<DynamodbEvent, StreamsEventResponse> handler, Settings settings, DeadLetterStore deadLetters,
            Clock clock, Optional<Path> dataDir, Consumer<String> log) {
        return new EventSourceMapping<>(new DynamoDbStreamSource(streams, streamArn, region), region, handler, settings,
                deadLetters, clock, dataDir, log);
    }

    /** A mapping on the Kinesis data stream {@code streamName}. */
    public static EventSourceMapping<KinesisEvent> onKinesisStream(
            KinesisClient kinesis, String streamName, String region,
            RequestHandler<KinesisEvent, StreamsEventResponse> handler, Settings settings, DeadLetterStore deadLetters,
            Clock clock, Optional<Path> dataDir, Consumer<String> log) {
        return new EventSourceMapping<>(new KinesisStreamSource(kinesis, streamName, region, settings.functionName()),
                region, handler, settings, deadLetters, clock, dataDir, log);
    }

    private EventSourceMapping(StreamSource<E> source, String region, RequestHandler<E, StreamsEventResponse> handler,
                               Settings settings, DeadLetterStore deadLetters, Clock clock, Optional<Path> dataDir,
                               Consumer<String> log) {
        this.source = source;
        this.region = region;
        this.handler = handler;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.checkpoints = new ShardCheckpoints(dataDir.map(dir -> checkpointFile(dir, settings.functionName())));
        this.log = log;
        this.poller = Thread.ofPlatform().name("esm-" + settings.functionName()).daemon().start(this::pollLoop);
    }

    /** Where a mapping kept under {@code dataDir} checkpoints the function {@code functionName}'s shards. */
    public static Path checkpointFile(Path dataDir, String functionName) {
        return dataDir.resolve("checkpoints-" + functionName + ".json");
    }

    /** The checkpoints a mapping left in {@code file}: the sequence number each shard is done with. */
    public static Map<String, String> readCheckpoints(Path file) {
        return new ShardCheckpoints(Optional.of(file)).all();
    }

    /** How many times the function has been invoked. */
    public long invocations() {
        return invocations.get();
    }

    /**
     * UpdateEventSourceMapping's {@code Enabled}: "If you disable the event source mapping, AWS Lambda stops polling.
     * If you enable again, it will resume polling from the time it had stopped polling, so you don't lose processing
     * of any records." Disabling returns once the round of reads and invocations under way, if any, has finished
     * (a batch being retried is retried to its end first; called from the function itself it returns at once): from
     * then on nothing is read or invoked until the mapping is enabled again.
     */
    public void enabled(boolean enabled) {
        this.enabled.set(enabled);
        if (!enabled) {
            iteration.lock();
            iteration.unlock();
        }
    }

    /** Whether the mapping polls ({@code Enabled}). */
    public boolean enabled() {
        return enabled.get();
    }

    /** The sequence number each shard is checkpointed at. */
    public Map<String, String> checkpoints() {
        return checkpoints.all();
    }

    private void pollLoop() {
        var iterators = new LinkedHashMap<String, String>();
        var finished = new java.util.HashSet<String>();
        var buffers = new LinkedHashMap<String, List<Polled>>();
        var firstBuffered = new LinkedHashMap<String, Instant>();
        // when each shard may be read next (System.nanoTime): reads are paced at the source's rate, as in Lambda
        var nextRead = new java.util.HashMap<String, Long>();
        long interval = source.pollInterval().toNanos();
        List<String> shards = List.of();
        var shardsReadAt = Instant.MIN;
        while (running.get()) {
            if (!enabled.get()) {
                // What was read and not yet delivered stays buffered, and the iterators where they were. An iterator
                // that expired meanwhile (15 minutes) fails the next read, which starts again from the checkpoints.
                pause(DISABLED_CHECK);
                continue;
            }
            // a rest is taken after the round, outside the lock, so that disabling never waits on it
            Duration rest = null;
            iteration.lock();
            try {
                if (!enabled.get()) {
                    continue; // disabled while this iteration waited for its turn
                }
                boolean busy = false;
                if (clock.instant().isAfter(shardsReadAt.plus(SHARD_REFRESH))) {
                    shards = source.shardIds();
                    shardsReadAt = clock.instant();
                }
                for (var shardId : shards) {
                    var buffered = buffers.get(shardId);
                    if (finished.contains(shardId) && (buffered == null || buffered.isEmpty())) {
                        continue;
                    }
                    var iterator = finished.contains(shardId) ? null : iterators.computeIfAbsent(shardId, this::startIterator);
                    var buffer = buffers.computeIfAbsent(shardId, id -> new ArrayList<>());
                    long now = System.nanoTime();
                    if (iterator != null && buffer.size() < settings.batchSize()
                            && now - nextRead.getOrDefault(shardId, now) >= 0) {
                        nextRead.put(shardId, now + interval);
                        var page = source.read(iterator, Math.min(1000, settings.batchSize() - buffer.size()));
                        if (page.nextIterator() == null) {
                            // a closed shard read to its end: done, once its buffer is delivered
                            finished.add(shardId);
                            iterators.remove(shardId);
                        } else {
                            iterators.put(shardId, page.nextIterator());
                        }
                        if (!page.records().isEmpty()) {
                            if (buffer.isEmpty()) {
                                firstBuffered.put(shardId, clock.instant());
                            }
                            buffer.addAll(page.records());
                        }
                    }
                    boolean full = buffer.size() >= settings.batchSize();
                    boolean windowPassed = !buffer.isEmpty() && !clock.instant()
                            .isBefore(firstBuffered.get(shardId).plus(settings.maximumBatchingWindow()));
                    if (full || windowPassed) {
                        var batch = List.copyOf(buffer.subList(0, Math.min(buffer.size(), settings.batchSize())));
                        buffer.subList(0, batch.size()).clear();
                        firstBuffered.put(shardId, clock.instant());
                        process(shardId, batch);
                        busy = true;
                    }
                }
                if (!busy) {
                    // until the next shard may be read; a batching window is checked at that pace, as reads are
                    rest = Duration.ofNanos(Math.max(1_000_000, Math.min(interval, untilNext(nextRead, shards, finished))));
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    log.accept("event-source mapping " + settings.functionName() + ": polling failed, retrying: " + e);
                    iterators.clear();
                    buffers.clear();
                    finished.clear();
                    shardsReadAt = Instant.MIN;
                    rest = Duration.ofSeconds(1);
                }
            } finally {
                iteration.unlock();
            }
            if (rest != null) {
                pause(rest);
            }
        }
    }

    /** How long until a shard that is still read may be read again (a finished shard never is). */
    private static long untilNext(Map<String, Long> nextRead, List<String> shards, java.util.Set<String> finished) {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        for (var shard : shards) {
            if (!finished.contains(shard)) {
                soonest = Math.min(soonest, nextRead.getOrDefault(shard, now) - now);
            }
        }
        return soonest;
    }

    private String startIterator(String shardId) {
        return source.iterator(shardId, checkpoints.of(shardId), settings.startAtTrimHorizon());
    }

    /** Invokes the function on a batch until it is done, bisected, or moved to the on-failure destination. */
    private void process(String shardId, List<Polled> batch) {
        var records = expireOld(shardId, batch);
        int attempts = 0;
        while (!records.isEmpty() && running.get()) {
            var outcome = invoke(shardId, records);
            if (outcome.remaining().isEmpty()) {
                checkpoint(shardId, records.getLast());
                return;
            }
            var done = records.subList(0, records.size() - outcome.remaining().size());
            if (!done.isEmpty()) {
                checkpoint(shardId, done.getLast());
            }
            records = outcome.remaining();
            attempts++;
            if (settings.maximumRetryAttempts() >= 0 && attempts > settings.maximumRetryAttempts()) {
                deadLetter(shardId, records, "RetryAttemptsExhausted", attempts, outcome.reason());
                checkpoint(shardId, records.getLast());
                return;
            }
            // Lambda splits a batch on a function error; a reported item failure already says where to resume
            if (settings.bisectBatchOnFunctionError() && outcome.functionError() && records.size() > 1) {
                var half = records.size() / 2;
                var first = List.copyOf(records.subList(0, half));
                var second = List.copyOf(records.subList(half, records.size()));
                process(shardId, first);
                process(shardId, second);
                return;
            }
            pause(RETRY_DELAY);
            records = expireOld(shardId, records);
        }
    }

    private List<Polled> expireOld(String shardId, List<Polled> records) {
        if (settings.maximumRecordAge().isNegative()) {
            return records;
        }
        var horizon = clock.instant().minus(settings.maximumRecordAge());
        int expired = 0;
        while (expired < records.size() && records.get(expired).arrivedAt().isBefore(horizon)) {
            expired++;
        }
        if (expired > 0) {
            var old = records.subList(0, expired);
            deadLetter(shardId, old, "RecordAgeExceeded", 0, "records older than " + settings.maximumRecordAge());
            checkpoint(shardId, old.getLast());
        }
        return List.copyOf(records.subList(expired, records.size()));
    }

    private record Outcome(List<Polled> remaining, String reason, boolean functionError) {
    }

    private Outcome invoke(String shardId, List<Polled> records) {
        invocations.incrementAndGet();
        var lines = new ArrayList<String>();
        var context = LocalLambdaContext.of(settings.functionName(), UUID.randomUUID().toString(),
                Duration.ofMinutes(5), line -> {
                    lines.add(line);
                    log.accept("[" + settings.functionName() + "] " + line);
                });
        StreamsEventResponse response;
        try {
            response = handler.handleRequest(source.event(shardId, records), context);
        } catch (RuntimeException e) {
            log.accept("[" + settings.functionName() + "] function error: " + e);
            return new Outcome(records, "function error: " + e, true);
        }
        if (!settings.reportBatchItemFailures() || response == null || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return new Outcome(List.of(), null, false);
        }
        var lowest = response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .min(java.util.Comparator.comparing(id -> id == null || !id.matches("\\d+") ? BigInteger.ZERO : new BigInteger(id)))
                .orElseThrow();
        int from = 0;
        while (from < records.size() && !records.get(from).sequenceNumber().equals(lowest)) {
            from++;
        }
        if (from == records.size()) {
            // Lambda treats an identifier it cannot match as a failure of the whole batch.
            return new Outcome(records, "batch item failure names an unknown record: " + lowest, false);
        }
        var remaining = List.copyOf(records.subList(from, records.size()));
        var reason = lines.stream().filter(line -> remaining.stream()
                .anyMatch(r -> line.contains(r.sequenceNumber()))).findFirst()
                .orElse("the function reported record " + lowest + " as failed");
        return new Outcome(remaining, reason, false);
    }

    private void deadLetter(String shardId, List<Polled> records, String condition, int attempts, String reason) {
        var entry = json.createObjectNode();
        var request = entry.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString())
                .put("functionArn", "arn:aws:lambda:" + region + ":000000000000:function:" + settings.functionName())
                .put("condition", condition)
                .put("approximateInvokeCount", attempts);
        entry.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST");
        entry.put("version", "1.0").put("timestamp", clock.instant().toString());
        var info = entry.putObject(source.batchInfoName());
        info.put("shardId", shardId)
                .put("startSequenceNumber", records.getFirst().sequenceNumber())
                .put("endSequenceNumber", records.getLast().sequenceNumber())
                .put("approximateArrivalOfFirstRecord", records.getFirst().arrivedAt().toString())
                .put("approximateArrivalOfLastRecord", records.getLast().arrivedAt().toString())
                .put("batchSize", records.size())
                .put("streamArn", source.arn());
        entry.put("reason", reason);
        var summaries = entry.putArray("records");
        records.forEach(r -> summaries.add(json.valueToTree(r.summary())));
        deadLetters.add(entry);
        log.accept("event-source mapping " + settings.functionName() + ": " + records.size() + " record(s) from "
                + records.getFirst().sequenceNumber() + " sent to the on-failure destination ("
                + condition + "): " + reason);
    }

    private void checkpoint(String shardId, Polled last) {
        checkpoints.put(shardId, last.sequenceNumber());
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void close() {
        running.set(false);
        poller.interrupt();
        try {
            poller.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
