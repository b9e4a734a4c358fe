package dev.tally.standins.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.standins.json.AwsJsonService.Dialect;
import dev.tally.standins.json.AwsJsonService;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * DynamoDB Streams for dynalite, which has none: a proxy on 127.0.0.1 that forwards every DynamoDB call to
 * dynalite, records successful writes to stream-enabled tables ({@link DynamoDbProxy}), and serves the
 * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html">DynamoDB
 * Streams API</a> (ListStreams, DescribeStream, GetShardIterator, GetRecords: {@link StreamsApi}) on the same port,
 * so that the real {@code DynamoDbClient}, {@code DynamoDbStreamsClient} and the AWS CLI all work against it.
 *
 * <ul>
 *   <li>A table's stream is enabled by {@code StreamSpecification} on CreateTable, and shows in CreateTable and
 *   DescribeTable answers.</li>
 *   <li>PutItem, UpdateItem, DeleteItem and BatchWriteItem on a stream-enabled table become INSERT, MODIFY and
 *   REMOVE records with the images the view type keeps; the client still gets the return values it asked for.</li>
 *   <li>Each stream has one shard. Records keep the fields AWS sends and survive a restart when a data folder is
 *   given; records older than 24 hours are trimmed.</li>
 *   <li>Writes to one item are recorded in the order they completed, which is the order AWS guarantees (per item).</li>
 * </ul>
 * Both APIs speak AWS JSON 1.0 as DynamoDB does: error types qualified by DynamoDB's namespace, and an
 * {@code x-amz-crc32} checksum on every response, which the SDK checks.
 */
public final class DynamoDbStreamsStandIn implements AutoCloseable {

    private static final Dialect DYNAMODB = new Dialect("1.0", "com.amazonaws.dynamodb.v20120810#", "message",
            "InternalServerError", true);
    /** Requests served at once: the proxy waits on dynalite, so it needs more threads than cores. */
    private static final int THREADS = 64;

    private final StreamedTables tables;
    private final DynamoDbProxy proxy;
    private final AwsJsonService server;

    /**
     * @param port    the port to serve on (0 picks one)
     * @param dataDir where stream settings and records are kept, or empty for memory only
     */
    public DynamoDbStreamsStandIn(URI dynalite, int port, String region, Clock clock, Optional<Path> dataDir) {
        var json = new ObjectMapper();
        tables = new StreamedTables(json, dataDir);
        proxy = new DynamoDbProxy(json, dynalite, region, clock, tables);
        var streams = new StreamsApi(json, clock, tables);
        server = new AwsJsonService("dynamodb-proxy", port, THREADS, DYNAMODB, StreamsApi.TARGET, streams::handle,
                Optional.of(proxy::handle));
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** The stream ARN of {@code table}, if its stream is enabled. */
    public Optional<String> streamArn(String table) {
        return tables.byName(table).map(StreamedTable::streamArn);
    }

    /**
     * The sequence number of the newest record a reader can see on {@code table}'s stream (its one shard), if it has
     * any: what a consumer that has caught up has checkpointed.
     */
    public Optional<String> latestSequenceNumber(String table) {
        return tables.byName(table).map(tables::log)
                .flatMap(log -> log.oldestSequence().map(oldest -> log.latestSequence()));
    }

    /**
     * How many items Query and Scan calls on {@code table} returned since the proxy started: CloudWatch's
     * {@code ReturnedItemCount} metric, summed.
     */
    public long returnedItemCount(String table) {
        return proxy.tableMetrics(table).returnedItemCount();
    }

    /** {@link #returnedItemCount} of every table that has any, by table name. */
    public Map<String, Long> returnedItemCounts() {
        var counts = new java.util.TreeMap<String, Long>();
        proxy.tableMetrics().forEach((table, metrics) -> counts.put(table, metrics.returnedItemCount()));
        return counts;
    }

    /**
     * What CloudWatch would show of {@code table} since the proxy started: items returned, capacity consumed,
     * conditional checks failed. Every call through the proxy counts, except batch writes to a stream-enabled
     * table, which the proxy carries out as single writes of its own and does not meter.
     */
    public TableMetrics tableMetrics(String table) {
        return proxy.tableMetrics(table);
    }

    @Override
    public void close() {
        server.close();
        tables.close();
    }
}
