package dev.tally.cdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every jar the CDK apps deploy logs JSON through exactly one SLF4J provider, log4j's (not the no-operation one, not
 * a second one fighting it), with the JSON layout's plugin in the merged plugin cache, the configuration at its root,
 * and the manifest's {@code Multi-Release} that log4j needs once shaded.
 */
class DeployedJarsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "accounts-api/target/accounts-api-lambda.jar",
            "stream-translator/target/stream-translator-lambda.jar",
            "projections/target/balances-api-lambda.jar",
            "projections/target/projection-worker.jar",
            "analytics/target/lake-writer.jar",
            "analytics/target/lake-compaction.jar",
            "examples/large-withdrawal-alerts/target/large-withdrawal-alerts-lambda.jar",
            "examples/large-withdrawal-alerts/target/large-withdrawal-alerts-worker.jar"})
    void has_exactly_one_slf4j_provider_and_it_writes_json(String path) throws IOException {
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        try (var jar = new ZipFile(home.resolve(path).toFile())) {
            var services = jar.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
            assertThat(services).as("the provider's service file").isNotNull();
            var providers = Arrays.stream(new String(jar.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8)
                    .split("\n")).map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(providers).containsExactly("org.apache.logging.slf4j.SLF4JServiceProvider");
            assertThat(jar.stream().map(e -> e.getName()))
                    .noneMatch(name -> name.startsWith("org/slf4j/nop/") || name.startsWith("org/slf4j/simple/")
                            || name.startsWith("ch/qos/logback/"))
                    .contains("log4j2.xml", "TallyLogLine.json");
            // log4j-api's Java 9+ classes are found only in a multi-release jar
            var manifest = new java.util.jar.Manifest(jar.getInputStream(jar.getEntry("META-INF/MANIFEST.MF")));
            assertThat(manifest.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            var plugins = jar.getEntry("META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat");
            var cache = new String(jar.getInputStream(plugins).readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(cache).as("the merged plugin cache").contains("JsonTemplateLayout").contains("PatternLayout");
        }
    }

    /**
     * The accounts API's jar (all six routes' functions) stays small: a bigger jar is slower to load at a cold start.
     * Benchmark B7 aims at 10 MB; the jar is 10.6 MB today (accounts-api/README.md), so this guards the gain, and
     * the limit comes down as the jar does.
     */
    @Test
    void the_accounts_api_jar_stays_under_its_size_limit() throws IOException {
        var home = Path.of(System.getProperty("tally.home", "../..")).toAbsolutePath().normalize();
        var jar = home.resolve("accounts-api/target/accounts-api-lambda.jar");
        assertThat(java.nio.file.Files.size(jar)).as("bytes of " + jar).isLessThanOrEqualTo(ACCOUNTS_API_JAR_LIMIT);
        try (var zip = new ZipFile(jar.toFile())) {
            // what the size cuts must keep: the handlers, the SnapStart hook's API, the SDK's HTTP client
            assertThat(zip.getEntry("dev/tally/accountsapi/SnapStartPriming.class")).isNotNull();
            assertThat(zip.getEntry("org/crac/Core.class")).isNotNull();
            assertThat(zip.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")).isNotNull();
            assertThat(zip.getEntry("com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent.class")).isNotNull();
        }
    }

    /** Bytes: 13,604,471 before minimizing; 10,569,826 after. */
    static final long ACCOUNTS_API_JAR_LIMIT = 10_700_000;
}
