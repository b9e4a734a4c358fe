package dev.tally.cli.bench;

import dev.tally.accountsapi.AccountRequest;
import dev.tally.accountsapi.AccountsApiEnvironment;
import dev.tally.accountsapi.AccountsApiRoute;
import dev.tally.accountsapi.CommandContext;
import dev.tally.accountsapi.CommandResult;
import dev.tally.accountsapi.SnapStartPriming;
import dev.tally.domain.Principal;
import dev.tally.emulators.Dynalite;
import dev.tally.eventstore.EventStoreSettings;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.IdempotencyTable;
import dev.tally.http.ApiScopes;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark B7: the cold start of an accounts-API Lambda from its shaded jar. Each run starts a fresh JVM on the jar
 * and {@link ColdStartInvoker} alone, which builds {@code POST /accounts/{id}/credit}'s handler and sends it one
 * credit of 1.00 to an account that exists, against a real DynamoDB (dynalite); the run's figure is the wall time
 * from starting the process to the answer. One more JVM primes the handler first ({@link SnapStartPriming}, by hand:
 * no checkpoint is taken here) and times a new handler instance's first request, which is what a restored SnapStart
 * snapshot answers first.
 *
 * <p>The JVMs get Lambda's JIT options from the CDK app ({@link #LAMBDA_JVM_OPTIONS}) and the SDK's standard endpoint
 * variable. Timing targets are not asserted here; the figures are for {@code ./tally bench}.
 */
public final class ColdStart {

    /** The accounts API's Lambda jar, under the Tally folder. */
    public static final String ACCOUNTS_API_JAR = "accounts-api/target/accounts-api-lambda.jar";
    /** What the CDK app puts in the functions' {@code JAVA_TOOL_OPTIONS}. */
    public static final List<String> LAMBDA_JVM_OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
    private static final AccountsApiRoute ROUTE = AccountsApiRoute.CREDIT;
    private static final Principal OWNER = new Principal("https://bench.tally.invalid/", "cold-start");
    private static final long RUN_TIMEOUT_SECONDS = 60;

    private ColdStart() {
    }

    /** Prints the figures for the accounts API's jar: {@code [runs, default 5] [jar, default ACCOUNTS_API_JAR under the Tally folder]}. */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        var jar = args.length > 1 ? Path.of(args[1]) : dev.tally.emulators.TallyHome.locate().resolve(ACCOUNTS_API_JAR);
        System.out.println(measure(jar, runs));
    }

    /** Measures {@code lambdaJar} over {@code runs} fresh JVMs against a dynalite of its own, started and stopped here. */
    public static ColdStartFigures measure(Path lambdaJar, int runs) {
        try (var dynalite = Dynalite.inMemory()) {
            return measure(lambdaJar, dynalite.endpoint(), runs);
        }
    }

    /**
     * Measures {@code lambdaJar} over {@code runs} fresh JVMs against the DynamoDB at {@code dynamo} (local: any
     * credentials do), creating the events and idempotency tables if missing and opening one account to credit.
     */
    public static ColdStartFigures measure(Path lambdaJar, URI dynamo, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
        var settings = EventStoreSettings.defaults();
        var accountId = openAccount(dynamo, settings);
        var invoker = invokerClasses();
        try {
            var fresh = new ArrayList<Long>();
            for (int run = 0; run < runs; run++) {
                fresh.add(run(lambdaJar, invoker, dynamo, settings, accountId, false).wallMillis());
            }
            long primed = run(lambdaJar, invoker, dynamo, settings, accountId, true).invokeMillis();
            return ColdStartFigures.of(ROUTE.handlerClass().getName(), fresh, primed, Files.size(lambdaJar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(invoker);
        }
    }

    private static String openAccount(URI endpoint, EventStoreSettings settings) {
        try (var dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            EventTable.create(dynamo, settings.eventsTable());
            IdempotencyTable.create(dynamo, settings.idempotencyTable());
            var result = AccountsApiEnvironment.fromEnvironment(settings.toEnvironment(), dynamo)
                    .execute(CommandContext.of(OWNER, "cold-start-bench"), new AccountRequest.Create("cold start"),
                            Optional.empty());
            if (!(result instanceof CommandResult.Applied applied)) {
                throw new IllegalStateException("could not open the bench's account: " + result);
            }
            return applied.accountId().toString();
        }
    }

    private record Answer(int status, long wallMillis, long invokeMillis) {
    }

    private static Answer run(Path jar, Path invoker, URI dynamo, EventStoreSettings settings, String accountId,
                              boolean primed) throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(LAMBDA_JVM_OPTIONS);
        command.addAll(List.of("-cp", jar.toAbsolutePath() + java.io.File.pathSeparator + invoker,
                ColdStartInvoker.class.getName(),
                ROUTE.handlerClass().getName(), ROUTE.method(), ROUTE.routeKey(),
                ROUTE.path().replace("{id}", accountId), accountId, "{\"amount\":\"1.00\"}",
                OWNER.issuer(), OWNER.subject(), String.join(" ", ApiScopes.WRITE_ROUTES),
                primed ? SnapStartPriming.class.getName() + "#registered" : "-"));
        var process = new ProcessBuilder(command).redirectErrorStream(true);
        var env = process.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TALLY_") || name.equals("JAVA_TOOL_OPTIONS"));
        env.putAll(settings.toEnvironment());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "bench");
        env.put("AWS_SECRET_ACCESS_KEY", "bench");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.toString());
        long started = System.nanoTime();
        var child = process.start();
        var tail = new ArrayDeque<String>();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(ColdStartInvoker.ANSWERED + " ")) {
                    long wall = (System.nanoTime() - started) / 1_000_000;
                    var parts = line.split(" ");
                    var answer = new Answer(Integer.parseInt(parts[1]), wall, Long.parseLong(parts[3]) / 1_000_000);
                    if (answer.status() != 200) {
                        throw new IllegalStateException(ROUTE.routeKey() + " answered " + answer.status()
                                + " in the cold-start JVM; its output:\n" + String.join("\n", tail));
                    }
                    return answer;
                }
                tail.addLast(line);
                if (tail.size() > 40) {
                    tail.removeFirst();
                }
            }
            throw new IllegalStateException("the cold-start JVM ended without answering; its output:\n" + String.join("\n", tail));
        } finally {
            child.destroy();
            try {
                if (!child.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A folder with {@link ColdStartInvoker}'s class files only, so that the JVM under test sees nothing else. */
    private static Path invokerClasses() {
        try {
            var folder = Files.createTempDirectory("tally-cold-start");
            var packageFolder = folder.resolve(ColdStartInvoker.class.getPackageName().replace('.', '/'));
            Files.createDirectories(packageFolder);
            for (var name : List.of("ColdStartInvoker", "ColdStartInvoker$InvokerContext")) {
                try (var in = ColdStartInvoker.class.getResourceAsStream(name + ".class")) {
                    if (in == null) {
                        throw new IllegalStateException("class file " + name + ".class not found beside ColdStartInvoker");
                    }
                    Files.copy(in, packageFolder.resolve(name + ".class"));
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
