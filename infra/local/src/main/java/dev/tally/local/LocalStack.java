package dev.tally.local;

import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import dev.tally.writeapi.WriteApiEnvironment;
import dev.tally.writeapi.WriteApiRoute;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tally on one machine: dynalite as a child process, the tables, and the HTTP API served by the same handler
 * classes that run in Lambda. Only endpoints and credentials differ from AWS. Closing it stops everything it
 * started.
 */
public final class LocalStack implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** Dummy credentials: the emulators check the signature's shape, not the secret. */
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    /** How many requests the gateway runs at once, like a function's reserved concurrency. */
    static final int API_CONCURRENCY = 64;

    /**
     * @param apiPort      0 for a free port
     * @param dynamoPort   0 for a free port
     * @param dataDir      where dynalite keeps its data; empty keeps it in memory
     * @param snapshotEvery the snapshot interval
     */
    public record Settings(int apiPort, int dynamoPort, Optional<Path> dataDir, int snapshotEvery) {
    }

    private final Dynalite dynalite;
    private final DynamoDbClient dynamo;
    private final LocalApiGateway gateway;
    private final Map<String, String> environment;

    private LocalStack(Dynalite dynalite, DynamoDbClient dynamo, LocalApiGateway gateway, Map<String, String> environment) {
        this.dynalite = dynalite;
        this.dynamo = dynamo;
        this.gateway = gateway;
        this.environment = environment;
    }

    public static LocalStack start(Settings settings, Progress progress) {
        progress.step("starting dynalite" + settings.dataDir().map(d -> " (data in " + d + ")").orElse(" (in memory)"));
        var dynalite = Dynalite.start(settings.dynamoPort(), settings.dataDir());
        try {
            var dynamo = DynamoDbClient.builder()
                    .endpointOverride(dynalite.endpoint())
                    .region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
            var environment = new LinkedHashMap<String, String>();
            environment.put(WriteApiEnvironment.EVENTS_TABLE, EventTable.DEFAULT_NAME);
            environment.put(WriteApiEnvironment.IDEMPOTENCY_TABLE, IdempotencyTable.DEFAULT_NAME);
            environment.put(WriteApiEnvironment.SNAPSHOT_EVERY, Integer.toString(settings.snapshotEvery()));
            progress.step("creating tables " + EventTable.DEFAULT_NAME + " and " + IdempotencyTable.DEFAULT_NAME);
            EventTable.create(dynamo, EventTable.DEFAULT_NAME);
            IdempotencyTable.create(dynamo, IdempotencyTable.DEFAULT_NAME);

            var accounts = WriteApiEnvironment.fromEnvironment(environment, dynamo);
            var routes = Arrays.stream(WriteApiRoute.values())
                    .map(r -> new LocalApiGateway.Route(r.method(), r.path(), r.handlerClass().getSimpleName(), r.handler(accounts)))
                    .toList();
            progress.step("starting the HTTP API gateway");
            var gateway = new LocalApiGateway(settings.apiPort(), routes, API_CONCURRENCY);
            return new LocalStack(dynalite, dynamo, gateway, environment);
        } catch (RuntimeException e) {
            dynalite.close();
            throw e;
        }
    }

    public URI apiEndpoint() {
        return gateway.endpoint();
    }

    public URI dynamoEndpoint() {
        return dynalite.endpoint();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public LocalApiGateway gateway() {
        return gateway;
    }

    /**
     * The {@code export} lines that point the AWS CLI and SDKs at this stack, using the SDKs' standard settings.
     */
    public Map<String, String> exports() {
        var exports = new LinkedHashMap<String, String>();
        exports.put("AWS_REGION", REGION);
        exports.put("AWS_DEFAULT_REGION", REGION);
        exports.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        exports.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        exports.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint().toString());
        exports.put("TALLY_API_URL", apiEndpoint().toString());
        exports.putAll(environment);
        return exports;
    }

    @Override
    public void close() {
        gateway.close();
        dynamo.close();
        dynalite.close();
    }
}
