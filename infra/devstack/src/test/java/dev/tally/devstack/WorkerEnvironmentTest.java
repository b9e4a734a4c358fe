package dev.tally.devstack;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** What a worker JVM the dev stack starts is told: only the SDK's standard settings, pointing at the emulators. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class WorkerEnvironmentTest {

    @Test
    void a_worker_gets_the_sdks_own_endpoint_settings_and_cbor_off_for_kinesalite() {
        var env = DevStack.sdkEnvironment(URI.create("http://127.0.0.1:8000"), URI.create("http://127.0.0.1:4567"));

        // the AWS SDK reads CBOR_ENABLED itself; with CBOR on, kinesalite fails any response over ~16 KiB
        assertThat(env).containsEntry("CBOR_ENABLED", "false")
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")
                .containsEntry("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567")
                .containsEntry("AWS_REGION", DevStack.REGION)
                .containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    }
}
