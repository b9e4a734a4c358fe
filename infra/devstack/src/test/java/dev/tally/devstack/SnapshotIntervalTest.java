package dev.tally.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.eventstore.EventTable;
import dev.tally.http.ApiScopes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dev stack started with a snapshot every 25 events: the writer puts a snapshot on every 25th version, and the
 * readers (GET /accounts/{id} and GET /balances/{id}) use the same interval, so a read of a long history costs at
 * most 25 items. 210 events make the difference visible: the newest snapshot is at version 200, which a reader
 * assuming the default interval of 10 would not find among the newest 10 items, and it would replay all 210.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SnapshotIntervalTest {

    private static final int EVERY = 25;
    private static final int EVENTS = 210;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static DevStack stack;
    private static String token;
    private static String account;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.start(DevStack.Settings.ephemeral().withSnapshotEvery(EVERY), Progress.silent());
        token = stack.token("snapshot-test", ApiScopes.OWNER);
        account = post("/accounts", "{}").get("accountId").asText();
        for (int i = 2; i <= EVENTS; i++) {
            assertThat(post("/accounts/" + account + "/credit", "{\"amount\":\"1.00\"}").get("version").asLong()).isEqualTo(i);
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void the_writer_puts_a_snapshot_on_every_25th_version() {
        var snapshotVersions = stack.dynamo().scanPaginator(b -> b.tableName(EventTable.DEFAULT_NAME)).items().stream()
                .filter(item -> item.containsKey(EventTable.SNAPSHOT))
                .map(item -> Long.parseLong(item.get(EventTable.VERSION).n()))
                .sorted().toList();
        assertThat(snapshotVersions).containsExactly(25L, 50L, 75L, 100L, 125L, 150L, 175L, 200L);
    }

    @Test
    void reading_the_balance_of_210_events_reads_at_most_25_items() throws Exception {
        long before = stack.returnedItemCount(EventTable.DEFAULT_NAME);
        var account = get("/accounts/" + SnapshotIntervalTest.account);
        long read = stack.returnedItemCount(EventTable.DEFAULT_NAME) - before;

        assertThat(account.get("version").asLong()).isEqualTo(EVENTS);
        assertThat(account.get("balance").asText()).isEqualTo("209.00");
        assertThat(read).as("items the write side read for GET /accounts/{id}").isBetween(1L, (long) EVERY);
    }

    @Test
    void the_balances_read_api_reads_the_write_side_version_within_25_items_too() throws Exception {
        // Until the account is projected the answer is a 404 from the read model alone; wait for the projection.
        org.awaitility.Awaitility.await("the projection to reach the account").atMost(java.time.Duration.ofSeconds(90))
                .until(() -> send(HttpRequest.newBuilder(uri("/balances/" + account)).GET()).statusCode() == 200);
        long before = stack.returnedItemCount(EventTable.DEFAULT_NAME);
        var response = send(HttpRequest.newBuilder(uri("/balances/" + account)).GET());
        long read = stack.returnedItemCount(EventTable.DEFAULT_NAME) - before;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("writeVersion").asLong()).isEqualTo(EVENTS);
        assertThat(read).as("items GET /balances/{id} read from the events table").isBetween(1L, (long) EVERY);
    }

    private static JsonNode post(String path, String body) throws IOException, InterruptedException {
        var response = send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        var response = send(HttpRequest.newBuilder(uri(path)).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return stack.apiEndpoint().resolve(path);
    }
}
