package dev.tally.emulators;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(ReplaceUnderscores.class)
class DynaliteTest {

    @Test
    void starts_on_loopback_answers_dynamodb_calls_and_is_gone_after_close() throws Exception {
        long pid;
        int port;
        try (var dynalite = Dynalite.inMemory()) {
            pid = dynalite.pid();
            port = dynalite.port();
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dynalite.endpoint() + "/"))
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Date", "20260101T000000Z")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                            + "SignedHeaders=host, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("{\"TableNames\":[]}");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(connects(port)).isFalse();
    }

    @Test
    void a_port_already_in_use_is_refused_naming_it() {
        try (var first = Dynalite.inMemory()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dynalite.start(first.port(), java.util.Optional.empty()))
                    .hasMessageContaining("port " + first.port() + " on 127.0.0.1 is in use");
        }
    }

    private static boolean connects(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
