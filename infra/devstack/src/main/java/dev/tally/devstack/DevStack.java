package dev.tally.devstack;

import dev.tally.accountsapi.AccountsApiEnvironment;
import dev.tally.accountsapi.AccountsApiRoute;
import dev.tally.analytics.AnalyticsEnvironment;
import dev.tally.analytics.LakeDelivery;
import dev.tally.contracts.PublishedStream;
import dev.tally.emulators.Dynalite;
import dev.tally.emulators.Kinesalite;
import dev.tally.emulators.S3rver;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import dev.tally.projections.BalanceProjectionApp;
import dev.tally.projections.GetBalanceHandler;
import dev.tally.projections.ProjectionCatalog;
import dev.tally.projections.ProjectionEnvironment;
import dev.tally.standins.apigateway.JwtAuthorizer;
import dev.tally.standins.apigateway.LocalApiGateway;
import dev.tally.standins.http.JdkHttpClients;
import dev.tally.standins.lambda.DeadLetterStore;
import dev.tally.standins.lambda.EventSourceMapping;
import dev.tally.subscriptions.SubscriberMapping;
import example.alerts.AlertsFunction;
import example.alerts.AlertsSettings;
import dev.tally.standins.oidc.LocalIdentityProvider;
import dev.tally.standins.streams.DynamoDbStreamsStandIn;
import dev.tally.translator.StreamTranslatorEnvironment;
import dev.tally.translator.StreamTranslatorHandler;
import dev.tally.translator.TranslatorMapping;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.time.Instant;

/**
 * Tally on one machine: the emulators as child processes, the stand-ins for what has no emulator, and the same
 * handler classes that run in Lambda. Only endpoints and credentials differ from AWS. Closing it stops
 * everything it started, in reverse order.
 *
 * <pre>
 *  HTTP ─> LocalApiGateway ─> accounts-api handlers ─> DynamoDbStreamsStandIn ─> dynalite
 *                                                        │ stream records
 *                                    EventSourceMapping <┘ ─> StreamTranslatorHandler ─> kinesalite "domain-events"
 *                                                    balances projection worker (KCL) <┤
 *                          example subscriber (Lambda, Kinesis event-source mapping) <┤
 *                                                                  lake writer (KCL) <┘ ─> LocalFirehose ─> s3rver
 * </pre>
 */
public final class DevStack implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** The export naming the lake bucket, for ./tally report. */
    public static final String LAKE_BUCKET = "TALLY_LAKE_BUCKET";
    /** The export naming when the stack started, from which {@code ./tally metrics} counts. */
    public static final String STARTED_AT = "TALLY_STARTED_AT";
    /** The export naming the stack's data folder, when it keeps one. */
    public static final String DATA_DIR = "TALLY_DATA_DIR";
    /** Where the event-source mappings keep their checkpoints, under the data folder. */
    static final String MAPPINGS = "mappings";
    /** The export naming the HTTP API's base URL. */
    public static final String API_URL = "TALLY_API_URL";
    /** The export naming the identity provider's issuer URL, which the gateway's JWT authorizer trusts. */
    public static final String ISSUER = "TALLY_ISSUER";
    /** The export naming the identity provider's key folder (kept data only), for ./tally token to sign with. */
    public static final String IDENTITY_KEYS = "TALLY_IDENTITY_KEYS";
    /** The export naming the audience the gateway's JWT authorizer accepts. */
    public static final String AUDIENCE_EXPORT = "TALLY_AUDIENCE";
    /** The audience tokens must carry, as {@code ./tally synth --jwt-audience} sets it for AWS. */
    public static final String AUDIENCE = "tally";
    /** How long the tokens the dev stack mints for its own callers (demo, load, tests) last. */
    public static final java.time.Duration TOKEN_TTL = java.time.Duration.ofHours(1);
    /**
     * Dummy credentials: dynalite and kinesalite check the signature's shape, not the secret; s3rver insists on
     * its own fixed pair, so every local client uses that.
     */
    public static final String ACCESS_KEY = S3rver.ACCESS_KEY;
    public static final String SECRET_KEY = S3rver.SECRET_KEY;
    /** How many requests the gateway runs at once, like a function's reserved concurrency. */
    static final int API_CONCURRENCY = 64;

    /**
     * @param apiPort       0 for a free port (likewise the others)
     * @param dataDir       where data is kept between runs; empty keeps everything in memory
     * @param logDir        where every process's JSON log lines go, one file each ({@link LocalLogs})
     */
    public record Settings(int apiPort, int dynamoPort, int kinesisPort, int s3Port, int firehosePort, int athenaPort,
                           int identityPort, Optional<Path> dataDir, int snapshotEvery, int shardCount, Path logDir) {

        public Settings withSnapshotEvery(int every) {
            return new Settings(apiPort, dynamoPort, kinesisPort, s3Port, firehosePort, athenaPort, identityPort, dataDir, every,
                    shardCount, logDir);
        }

        public Settings withLogDir(Path folder) {
            return new Settings(apiPort, dynamoPort, kinesisPort, s3Port, firehosePort, athenaPort, identityPort, dataDir,
                    snapshotEvery, shardCount, folder);
        }

        /** Free ports, in memory, logs in a temporary folder: for the demo and tests. */
        public static Settings ephemeral() {
            try {
                return new Settings(0, 0, 0, 0, 0, 0, 0, Optional.empty(), 10, 2,
                        java.nio.file.Files.createTempDirectory("tally-logs-"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private final List<AutoCloseable> started;
    private final URI apiEndpoint;
    private final URI dynamoEndpoint;
    private final URI dynaliteEndpoint;
    private final DynamoDbStreamsStandIn dynamoProxy;
    private final LocalIdentityProvider identity;
    private final URI kinesisEndpoint;
    private final DynamoDbClient dynamo;
    private final KinesisClient kinesis;
    private final LocalApiGateway gateway;
    private final EventSourceMapping<?> translatorMapping;
    private final DeadLetterStore deadLetters;
    private final WorkerProcess projectionWorker;
    private final DevLake lake;
    private final Map<String, String> environment;

    private DevStack(List<AutoCloseable> started, LocalApiGateway gateway, DynamoDbStreamsStandIn dynamoProxy, URI dynaliteEndpoint,
                     LocalIdentityProvider identity, URI kinesisEndpoint,
                       DynamoDbClient dynamo, KinesisClient kinesis, EventSourceMapping<?> translatorMapping,
                       DeadLetterStore deadLetters, WorkerProcess projectionWorker, DevLake lake,
                       Map<String, String> environment) {
        this.started = started;
        this.gateway = gateway;
        this.apiEndpoint = gateway.endpoint();
        this.dynamoEndpoint = dynamoProxy.endpoint();
        this.dynamoProxy = dynamoProxy;
        this.dynaliteEndpoint = dynaliteEndpoint;
        this.identity = identity;
        this.kinesisEndpoint = kinesisEndpoint;
        this.dynamo = dynamo;
        this.kinesis = kinesis;
        this.translatorMapping = translatorMapping;
        this.deadLetters = deadLetters;
        this.projectionWorker = projectionWorker;
        this.lake = lake;
        this.environment = environment;
    }

    public static DevStack start(Settings settings, Progress progress) {
        // One process serves the whole HTTP API here, API_CONCURRENCY requests at once, where AWS runs one Lambda
        // instance per request, each keeping its own connection. The JDK keeps only 5 idle connections per host by
        // default, so the other requests would open a new one for every call. Read once, before the first
        // connection: set here, as the first thing the local stack does.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(API_CONCURRENCY));
        }
        JdkHttpClients.noSilentPostRetries();
        LocalLogs.routeTo(settings.logDir());
        Consumer<String> standIns = LoggerFactory.getLogger(DevStack.class)::info;
        Kinesalite.disableCbor();
        var started = new ArrayList<AutoCloseable>();
        try {
            var data = settings.dataDir();
            progress.step("starting dynalite" + data.map(d -> " (data in " + d + ")").orElse(" (in memory)"));
            var dynalite = Dynalite.start(0, data.map(d -> d.resolve("dynamodb")));
            started.add(dynalite);
            var proxy = new DynamoDbStreamsStandIn(dynalite.endpoint(), settings.dynamoPort(), REGION, Clock.systemUTC(),
                    data.map(d -> d.resolve("streams")));
            started.add(proxy);
            progress.step("starting kinesalite");
            var kinesalite = Kinesalite.start(settings.kinesisPort(), data.map(d -> d.resolve("kinesis")));
            started.add(kinesalite);

            var dynamo = client(DynamoDbClient.builder(), proxy.endpoint());
            started.add(dynamo);
            var kinesis = client(KinesisClient.builder(), kinesalite.endpoint());
            started.add(kinesis);
            var streams = client(DynamoDbStreamsClient.builder(), proxy.endpoint());
            started.add(streams);

            var environment = new LinkedHashMap<String, String>();
            // Every handler and worker reads the same event-store settings, so readers use the writer's snapshot interval.
            var store = EventStoreSettings.defaults().withSnapshotEvery(settings.snapshotEvery());
            environment.putAll(store.toEnvironment());
            environment.put(PublishedStream.NAME, PublishedStream.DEFAULT_NAME);
            data.ifPresent(d -> environment.put(DATA_DIR, d.toAbsolutePath().toString()));
            environment.put(LocalLogs.EXPORT, settings.logDir().toAbsolutePath().toString());
            environment.put(STARTED_AT, Instant.now().toString());

            progress.step("creating tables " + store.eventsTable() + " (with its stream) and " + store.idempotencyTable()
                    + ", and the Kinesis stream " + PublishedStream.DEFAULT_NAME);
            EventTable.create(dynamo, store.eventsTable());
            requireOwnerIndex(dynamo, store.eventsTable(), data);
            IdempotencyTable.create(dynamo, store.idempotencyTable());
            createStream(kinesis, PublishedStream.DEFAULT_NAME, settings.shardCount());

            var deadLetters = new DeadLetterStore(data);
            var translator = new StreamTranslatorHandler(StreamTranslatorEnvironment.fromEnvironment(environment, kinesis));
            progress.step("starting the stream translator's event-source mapping");
            var mapping = EventSourceMapping.onDynamoDbStream(streams, proxy.streamArn(store.eventsTable()).orElseThrow(), REGION,
                    translator, new EventSourceMapping.Settings(TranslatorMapping.FUNCTION_NAME, TranslatorMapping.BATCH_SIZE,
                    TranslatorMapping.MAXIMUM_BATCHING_WINDOW, TranslatorMapping.REPORT_BATCH_ITEM_FAILURES,
                    TranslatorMapping.BISECT_BATCH_ON_FUNCTION_ERROR, TranslatorMapping.MAXIMUM_RETRY_ATTEMPTS,
                    TranslatorMapping.MAXIMUM_RECORD_AGE, true),
                    deadLetters, Clock.systemUTC(), data.map(d -> d.resolve(MAPPINGS)), standIns);
            started.add(mapping);

            environment.put(ProjectionEnvironment.CATALOG_TABLE, ProjectionCatalog.DEFAULT_NAME);
            BalanceProjectionApp.prepare(dynamo, ProjectionCatalog.DEFAULT_NAME, ProjectionEnvironment.BALANCES_APPLICATION);
            // The worker writes only tables without streams, so it talks to dynalite directly, sparing the proxy hop.
            var workerEnvironment = new LinkedHashMap<String, String>(sdkEnvironment(dynalite.endpoint(), kinesalite.endpoint()));
            workerEnvironment.putAll(environment);
            progress.step("starting the balances projection worker (KCL; log: "
                    + LocalLogs.file(settings.logDir(), ProjectionEnvironment.BALANCES_APPLICATION) + ")");
            var worker = new WorkerProcess("balances projection worker", ProjectionEnvironment.BALANCES_APPLICATION,
                    BalanceProjectionApp.class, workerEnvironment, settings.logDir());
            started.add(worker);

            var alerts = AlertsSettings.fromEnvironment(environment);
            // a Lambda subscriber, written as another team would: its own tables, in dynalite directly like the workers
            var subscriberDynamo = client(DynamoDbClient.builder(), dynalite.endpoint());
            started.add(subscriberDynamo);
            AlertsFunction.createTables(subscriberDynamo, alerts);
            progress.step("starting the example subscriber " + alerts.subscription() + " (a Lambda on "
                    + PublishedStream.DEFAULT_NAME + ", through a Kinesis event-source mapping)");
            var alertsFunction = new AlertsFunction(alerts, subscriberDynamo, Clock.systemUTC());
            var alertsMapping = EventSourceMapping.onKinesisStream(kinesis, PublishedStream.DEFAULT_NAME, REGION,
                    alertsFunction,
                    new EventSourceMapping.Settings(alerts.subscription(), SubscriberMapping.BATCH_SIZE,
                            SubscriberMapping.MAXIMUM_BATCHING_WINDOW, SubscriberMapping.REPORT_BATCH_ITEM_FAILURES,
                            SubscriberMapping.BISECT_BATCH_ON_FUNCTION_ERROR, SubscriberMapping.MAXIMUM_RETRY_ATTEMPTS,
                            SubscriberMapping.MAXIMUM_RECORD_AGE, true),
                    deadLetters, Clock.systemUTC(), data.map(d -> d.resolve(MAPPINGS)), standIns);
            started.add(alertsMapping);

            var lake = DevLake.start(settings.s3Port(), settings.firehosePort(), settings.athenaPort(), data, workerEnvironment,
                    LakeDelivery.LOCAL_BUFFER_INTERVAL, settings.logDir(), progress, standIns);
            started.add(lake);
            environment.put(AnalyticsEnvironment.DELIVERY_STREAM, LakeDelivery.DELIVERY_STREAM);

            progress.step("starting the identity provider (OIDC discovery and JWKS; signing keys "
                    + data.map(d -> "in " + d.resolve("identity")).orElse("in memory") + ")");
            var keyFolder = data.map(d -> d.resolve("identity"));
            var identity = keyFolder.isPresent()
                    ? new LocalIdentityProvider(settings.identityPort(), keyFolder.get(), Clock.systemUTC())
                    : new LocalIdentityProvider(settings.identityPort(), Clock.systemUTC());
            started.add(identity);
            environment.put(ISSUER, identity.issuer());
            keyFolder.ifPresent(folder -> environment.put(IDENTITY_KEYS, folder.toString()));
            environment.put(AUDIENCE_EXPORT, AUDIENCE);

            var accounts = AccountsApiEnvironment.fromEnvironment(environment, dynamo);
            var routes = new ArrayList<LocalApiGateway.Route>(Arrays.stream(AccountsApiRoute.values())
                    .map(r -> new LocalApiGateway.Route(r.method(), r.path(), r.handlerClass().getSimpleName(), r.handler(accounts),
                            r.authorizationScopes()))
                    .toList());
            routes.add(new LocalApiGateway.Route(GetBalanceHandler.ROUTE_METHOD, GetBalanceHandler.ROUTE_PATH,
                    GetBalanceHandler.class.getSimpleName(), new GetBalanceHandler(dynamo, environment), GetBalanceHandler.ROUTE_SCOPES));
            progress.step("starting the HTTP API gateway (JWT authorizer: issuer " + identity.issuer() + ", audience " + AUDIENCE + ")");
            var gateway = new LocalApiGateway(settings.apiPort(), routes, API_CONCURRENCY,
                    new JwtAuthorizer(identity.issuer(), List.of(AUDIENCE)));
            started.add(gateway);
            return new DevStack(started, gateway, proxy, dynalite.endpoint(), identity, kinesalite.endpoint(), dynamo, kinesis, mapping,
                    deadLetters, worker, lake, environment);
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    /** An SDK client for a local endpoint: region, dummy credentials, the URL-connection HTTP client. */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * A table kept from before accounts had owners lacks the owners' index, and dynalite cannot add one to an existing
     * table (no UpdateTable for indexes): say so at start rather than fail GET /accounts later.
     */
    private static void requireOwnerIndex(DynamoDbClient dynamo, String table, Optional<Path> data) {
        var indexes = dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes();
        if (indexes.stream().noneMatch(index -> index.indexName().equals(EventTable.OWNER_INDEX))) {
            throw new IllegalStateException("the events table kept in " + data.map(Path::toString).orElse("memory")
                    + " predates account owners (it has no " + EventTable.OWNER_INDEX + " index, which dynalite cannot "
                    + "add later); start again with ./tally up --fresh");
        }
    }

    private static void createStream(KinesisClient kinesis, String name, int shards) {
        try {
            kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        } catch (ResourceInUseException exists) {
            // kept from an earlier run
        }
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
    }

    public URI apiEndpoint() {
        return apiEndpoint;
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    /**
     * dynalite itself, behind the streams proxy: what the workers use for their own tables, and what a benchmark
     * uses as the raw baseline of the same DynamoDB calls.
     */
    public URI dynaliteEndpoint() {
        return dynaliteEndpoint;
    }

    /**
     * What CloudWatch would show of {@code table} so far (items returned, capacity consumed, conditional checks
     * failed), for the calls through the proxy: the HTTP API's and the translator's.
     */
    public dev.tally.standins.streams.TableMetrics tableMetrics(String table) {
        return dynamoProxy.tableMetrics(table);
    }

    public URI kinesisEndpoint() {
        return kinesisEndpoint;
    }

    /**
     * How many items the HTTP API's and the translator's Query and Scan calls on {@code table} returned so far
     * (CloudWatch's {@code ReturnedItemCount}); the workers talk to dynalite directly and are not counted.
     */
    public long returnedItemCount(String table) {
        return dynamoProxy.returnedItemCount(table);
    }

    /** The local identity provider: its issuer is the one the gateway trusts. */
    public LocalIdentityProvider identityProvider() {
        return identity;
    }

    /** A token for {@code subject} with {@code scopes}, valid for an hour, as a client of the API would hold. */
    public String token(String subject, java.util.Collection<String> scopes) {
        return identity.mint(subject, AUDIENCE, scopes, TOKEN_TTL);
    }

    /** {@link #returnedItemCount} of every table that has any, by table name. */
    public Map<String, Long> returnedItemCounts() {
        return dynamoProxy.returnedItemCounts();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public KinesisClient kinesis() {
        return kinesis;
    }

    public LocalApiGateway gateway() {
        return gateway;
    }

    public EventSourceMapping<?> translatorMapping() {
        return translatorMapping;
    }

    /**
     * Whether the translator's mapping has checkpointed the newest record of the events table's stream: every event
     * written so far has been handed to the translator (and published, unless it was not one to publish).
     */
    public boolean translatorCaughtUp() {
        var table = EventStoreSettings.fromEnvironment(environment).eventsTable();
        if (dynamoProxy.streamArn(table).isEmpty()) {
            throw new IllegalStateException("the events table " + table + " has no stream");
        }
        var latest = dynamoProxy.latestSequenceNumber(table);
        return latest.isEmpty() || translatorMapping.checkpoints().values().stream()
                .anyMatch(done -> new java.math.BigInteger(done).compareTo(new java.math.BigInteger(latest.get())) >= 0);
    }

    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    public WorkerProcess projectionWorker() {
        return projectionWorker;
    }

    public DevLake lake() {
        return lake;
    }

    /**
     * The checkpoints the event-source mapping of {@code function} keeps, by shard; empty when the stack (whose
     * exports are {@code stack}) keeps no data folder or the mapping has none yet.
     */
    public static Map<String, String> mappingCheckpoints(Map<String, String> stack, String function) {
        var data = stack.get(DATA_DIR);
        if (data == null) {
            return Map.of();
        }
        var file = EventSourceMapping.checkpointFile(Path.of(data).resolve(MAPPINGS), function);
        return java.nio.file.Files.exists(file) ? EventSourceMapping.readCheckpoints(file) : Map.of();
    }

    /** The SDK's standard settings that point a process at this stack's emulators. */
    public static Map<String, String> sdkEnvironment(URI dynamo, URI kinesis) {
        var env = new LinkedHashMap<String, String>();
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", dynamo.toString());
        env.put("AWS_ENDPOINT_URL_KINESIS", kinesis.toString());
        // for the Java SDK against kinesalite (the AWS CLI speaks JSON already)
        env.putAll(Kinesalite.CLIENT_ENVIRONMENT);
        return env;
    }

    /** The {@code export} lines that point the AWS CLI and SDKs at this stack, using the SDKs' standard settings. */
    public Map<String, String> exports() {
        var exports = sdkEnvironment(dynamoEndpoint, kinesisEndpoint);
        exports.put(API_URL, apiEndpoint.toString());
        exports.put("AWS_ENDPOINT_URL_S3", lake.s3Endpoint().toString());
        exports.put("AWS_ENDPOINT_URL_FIREHOSE", lake.firehoseEndpoint().toString());
        exports.put("AWS_ENDPOINT_URL_ATHENA", lake.athenaEndpoint().toString());
        exports.put(LAKE_BUCKET, DevLake.BUCKET);
        exports.putAll(environment);
        return exports;
    }

    @Override
    public void close() {
        closeAll(started);
    }

    public static void closeAll(List<AutoCloseable> started) {
        for (var resource : started.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("tally: while stopping " + resource + ": " + e);
            }
        }
    }
}
