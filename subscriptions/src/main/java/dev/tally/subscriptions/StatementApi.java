package dev.tally.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.contracts.DomainEvent;
import dev.tally.domain.EventType;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Missing versions read from Tally's statement API ({@code GET /accounts/{id}/events?after=&limit=}), for
 * {@link GapPolicy.Fetch}. The caller's token must be allowed to read the account: its owner, or {@code ledger:admin}.
 *
 * <p>The statement does not carry everything a published event does: an {@code AccountCreated} fetched this way has
 * no owner and no display name, and no fetched event has its idempotency key (the contract's null). A subscriber whose
 * rule needs those should park gaps instead, and replay from the lake.
 */
public final class StatementApi implements GapPolicy.MissingEvents {

    /** The statement's largest page. */
    static final int PAGE = 100;
    /** An amount as the API writes it: ASCII digits, at most two decimals, no sign. */
    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]{1,2})?");

    private final ObjectMapper json = new ObjectMapper();
    private final URI api;
    private final Supplier<String> token;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param api   the API's base URL, e.g. {@code https://ledger.example.com/}
     * @param token a bearer token, asked for before each request (so it may renew itself)
     */
    public StatementApi(URI api, Supplier<String> token, HttpClient http, Duration timeout) {
        this.api = Objects.requireNonNull(api, "api");
        this.token = Objects.requireNonNull(token, "token");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public List<DomainEvent> read(String accountId, long after, long upTo) throws IOException, InterruptedException {
        var events = new ArrayList<DomainEvent>();
        long cursor = after;
        while (cursor < upTo) {
            int limit = (int) Math.min(PAGE, upTo - cursor);
            var base = api.toString().endsWith("/") ? api.toString() : api + "/";
            var uri = URI.create(base + "accounts/" + URLEncoder.encode(accountId, StandardCharsets.UTF_8) + "/events?after="
                    + cursor + "&limit=" + limit);
            var response = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Authorization", "Bearer " + token.get()).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 429 || response.statusCode() >= 500) {
                throw new RetryLaterException("GET " + uri + " answered " + response.statusCode() + ": " + response.body(), null);
            }
            if (response.statusCode() != 200) {
                // 401, 403, 404: the token may not read the account; no retry changes that
                throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            var page = json.readTree(response.body());
            long pageStart = cursor;
            for (var entry : page.path("events")) {
                var event = event(accountId, entry);
                if (event.version() > upTo) {
                    return events;
                }
                events.add(event);
                cursor = event.version();
            }
            if (page.path("nextAfter").isNull() || page.path("events").isEmpty() || cursor == pageStart) {
                break;
            }
        }
        return events;
    }

    private static DomainEvent event(String accountId, JsonNode entry) throws IOException {
        long version = entry.path("version").asLong();
        var type = entry.path("type").asText();
        var occurredAt = Instant.parse(entry.path("occurredAt").asText());
        var actor = entry.path("actor").isObject() ? new DomainEvent.Identity(entry.path("actor").path("issuer").asText(),
                entry.path("actor").path("subject").asText()) : null;
        var requestId = entry.path("requestId").isTextual() ? entry.path("requestId").asText() : null;
        var correlationId = entry.path("correlationId").isTextual() ? entry.path("correlationId").asText() : requestId;
        var eventId = DomainEvent.eventIdFor(accountId, version);
        var kind = EventType.named(type).orElseThrow(() -> new IOException("the statement of " + accountId
                + " has an event of unknown type " + type + " at version " + version + ": upgrade this reader"));
        return switch (kind) {
            case ACCOUNT_CREATED -> new DomainEvent.AccountCreated(eventId, accountId, version, occurredAt, null, null,
                    actor, requestId, correlationId, null);
            case BALANCE_CREDITED -> new DomainEvent.BalanceCredited(eventId, accountId, version, occurredAt,
                    minorUnits(entry.path("amount")), minorUnits(entry.path("balanceAfter")), actor, requestId, correlationId, null);
            case BALANCE_WITHDRAWN -> new DomainEvent.BalanceWithdrawn(eventId, accountId, version, occurredAt,
                    minorUnits(entry.path("amount")), minorUnits(entry.path("balanceAfter")), actor, requestId, correlationId, null);
        };
    }

    /** An amount of the statement in minor units, exactly; anything but the API's own form is refused. */
    static long minorUnits(JsonNode amount) throws IOException {
        var text = amount.isTextual() ? amount.asText() : null;
        if (text == null || text.length() > 24 || !AMOUNT.matcher(text).matches()) {
            throw new IOException("not an amount: " + amount);
        }
        return new BigDecimal(text).movePointRight(2).longValueExact();
    }
}
