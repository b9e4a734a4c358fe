package dev.tally.cdk;

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
}
