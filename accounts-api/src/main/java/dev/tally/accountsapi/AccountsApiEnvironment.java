package dev.tally.accountsapi;

import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.DynamoIdempotencyStore;
import dev.tally.eventstore.EventStoreSettings;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The accounts API's settings: those of the event store ({@link EventStoreSettings}, whose variables the CDK app
 * sets). Endpoints and credentials come from the SDK's own settings ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_DYNAMODB}, ...).
 */
public final class AccountsApiEnvironment {

    private AccountsApiEnvironment() {
    }

    /** The service for one Lambda container, built on first use and shared by later invocations. */
    static AccountService shared() {
        return Holder.SERVICE;
    }

    /** The container's DynamoDB client, behind {@link #shared()}. */
    static DynamoDbClient sharedClient() {
        return Holder.DYNAMO;
    }

    private static final class Holder {
        static final DynamoDbClient DYNAMO = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        static final AccountService SERVICE = fromEnvironment(System.getenv(), DYNAMO);
    }

    /** Builds the service on {@code dynamo}, configured by {@code env}. */
    public static AccountService fromEnvironment(Map<String, String> env, DynamoDbClient dynamo) {
        return fromEnvironment(env, dynamo, UUID::randomUUID);
    }

    /** As {@link #fromEnvironment(Map, DynamoDbClient)}, with new accounts' ids from {@code ids}. */
    static AccountService fromEnvironment(Map<String, String> env, DynamoDbClient dynamo, Supplier<UUID> ids) {
        var store = EventStoreSettings.fromEnvironment(env);
        return new AccountService(
                new DynamoEventStore(dynamo, store.eventsTable(), store.snapshots()),
                new DynamoIdempotencyStore(dynamo, store.idempotencyTable()),
                Clock.systemUTC(),
                ids,
                AccountService.CONFLICT_RETRIES,
                SingleFlight.perAccount());
    }
}
