package dev.tally.writeapi;

import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.DynamoIdempotencyStore;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * The write API's configuration, read from environment variables whose names the CDK app shares. Endpoints and
 * credentials come from the SDK's own settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_DYNAMODB}, ...).
 */
public final class WriteApiEnvironment {

    public static final String EVENTS_TABLE = "TALLY_EVENTS_TABLE";
    public static final String IDEMPOTENCY_TABLE = "TALLY_IDEMPOTENCY_TABLE";
    public static final String SNAPSHOT_EVERY = "TALLY_SNAPSHOT_EVERY";

    private WriteApiEnvironment() {
    }

    /** The service for one Lambda container, built on first use and shared by later invocations. */
    static AccountService shared() {
        return Holder.SERVICE;
    }

    private static final class Holder {
        static final AccountService SERVICE = fromEnvironment(System.getenv(),
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
    }

    /** Builds the service on {@code dynamo}, configured by {@code env}. */
    public static AccountService fromEnvironment(Map<String, String> env, DynamoDbClient dynamo) {
        var snapshots = new SnapshotPolicy(Integer.parseInt(env.getOrDefault(SNAPSHOT_EVERY,
                Integer.toString(SnapshotPolicy.DEFAULT_EVERY))));
        return new AccountService(
                new DynamoEventStore(dynamo, env.getOrDefault(EVENTS_TABLE, EventTable.DEFAULT_NAME), snapshots),
                new DynamoIdempotencyStore(dynamo, env.getOrDefault(IDEMPOTENCY_TABLE, IdempotencyTable.DEFAULT_NAME)),
                Clock.systemUTC(),
                UUID::randomUUID,
                RetryPolicy.defaults());
    }
}
