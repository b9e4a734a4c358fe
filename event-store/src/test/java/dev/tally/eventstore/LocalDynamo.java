package dev.tally.eventstore;

import dev.tally.emulators.Dynalite;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.UUID;

/**
 * A real dynalite process for one test class, on a free loopback port, stopped after the class. Register with
 * {@code @RegisterExtension static final LocalDynamo DYNAMO = new LocalDynamo();}.
 */
public final class LocalDynamo implements BeforeAllCallback, AfterAllCallback {

    private Dynalite dynalite;
    private DynamoDbClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        dynalite = Dynalite.inMemory();
        client = client();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (dynalite != null) {
            dynalite.close();
        }
    }

    public DynamoDbClient client() {
        return client(new ExecutionInterceptor[0]);
    }

    /** A new client, observed by {@code interceptors} (to count consumed capacity, say). */
    public DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return clientFor(dynalite, interceptors);
    }

    /**
     * A client of {@code dynalite} (region, dummy credentials, the URL-connection HTTP client), for tests that
     * manage the process themselves.
     */
    public static DynamoDbClient clientFor(Dynalite dynalite, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> {
                    for (var interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }

    public DynamoDbClient shared() {
        return client;
    }

    /** Creates an events table with a unique name, so tests in one class do not see each other's data. */
    public String newEventTable() {
        var name = "events-" + UUID.randomUUID();
        EventTable.create(client, name);
        return name;
    }

    public String newIdempotencyTable() {
        var name = "idempotency-" + UUID.randomUUID();
        IdempotencyTable.create(client, name);
        return name;
    }

    public Dynalite process() {
        return dynalite;
    }
}
