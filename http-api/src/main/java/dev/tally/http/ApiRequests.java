package dev.tally.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.domain.AccountId;
import dev.tally.domain.InvalidAmountException;
import dev.tally.domain.Money;
import dev.tally.domain.Principal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reading API Gateway HTTP API (payload 2.0) requests. Every client mistake becomes a {@link ProblemException}
 * naming the field and the value, never a 5xx.
 */
public final class ApiRequests {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Stripe's rule: printable ASCII, at most 255 characters. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private ApiRequests() {
    }

    public static AccountId accountId(APIGatewayV2HTTPEvent request) {
        var raw = request.getPathParameters() == null ? null : request.getPathParameters().get("id");
        try {
            return AccountId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.badRequest("invalid-account-id", "Invalid account id",
                    e.getMessage(), "id", raw));
        }
    }

    public static Optional<String> header(APIGatewayV2HTTPEvent request, String name) {
        if (request.getHeaders() == null) {
            return Optional.empty();
        }
        // HTTP API lowercases header names, but a test or another proxy may not.
        return request.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    public static Optional<String> idempotencyKey(APIGatewayV2HTTPEvent request) {
        var key = header(request, "Idempotency-Key");
        if (key.isPresent() && !IDEMPOTENCY_KEY.matcher(key.get()).matches()) {
            throw new ProblemException(Problem.badRequest("invalid-idempotency-key", "Invalid Idempotency-Key",
                    "Idempotency-Key must be 1 to 255 printable ASCII characters, was \"" + key.get() + "\"",
                    "Idempotency-Key", key.get()));
        }
        return key;
    }

    public static Principal principal(APIGatewayV2HTTPEvent request) {
        var context = request.getRequestContext();
        if (context != null && context.getAuthorizer() != null && context.getAuthorizer().getJwt() != null
                && context.getAuthorizer().getJwt().getClaims() != null) {
            var subject = context.getAuthorizer().getJwt().getClaims().get("sub");
            if (subject != null && !subject.isBlank()) {
                return new Principal(subject);
            }
        }
        return Principal.ANONYMOUS;
    }

    /** The JSON object in the body, which must be there. */
    public static ObjectNode jsonBody(APIGatewayV2HTTPEvent request) {
        return jsonObject(request, false);
    }

    /** The JSON object in the body; an absent body reads as {@code {}}. */
    public static ObjectNode optionalJsonBody(APIGatewayV2HTTPEvent request) {
        return jsonObject(request, true);
    }

    private static ObjectNode jsonObject(APIGatewayV2HTTPEvent request, boolean optional) {
        var body = body(request);
        if (body.isBlank()) {
            if (optional) {
                return JSON.createObjectNode();
            }
            throw new ProblemException(Problem.badRequest("invalid-body", "Missing body",
                    "the request needs a JSON object body", "body", ""));
        }
        var contentType = header(request, "Content-Type").orElse("");
        var mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ProblemException(Problem.badRequest("unsupported-media-type", "Unsupported media type",
                    "Content-Type must be application/json, was \"" + contentType + "\"", "Content-Type", contentType));
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.badRequest("invalid-json", "Malformed JSON",
                    "the body is not valid JSON: " + e.getOriginalMessage(), "body", abbreviate(body)));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(Problem.badRequest("invalid-json", "Malformed JSON",
                    "the body must be a JSON object, was " + abbreviate(body), "body", abbreviate(body)));
        }
        return object;
    }

    /** The {@code amount} field: a JSON number or a string holding a decimal with at most two places. */
    public static Money amount(ObjectNode body) {
        var node = body.get("amount");
        if (node == null) {
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount",
                    "amount is required", "amount", null));
        }
        if (!node.isNumber() && !node.isTextual()) {
            // null, booleans, arrays and objects are not amounts
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount",
                    "amount must be a decimal number or a string, was " + node, "amount", node.toString()));
        }
        var raw = node.isNumber() ? node.decimalValue().toString() : node.textValue();
        try {
            return Money.parseAmount(raw);
        } catch (InvalidAmountException e) {
            throw new ProblemException(Problem.badRequest("invalid-amount", "Invalid amount", e.getMessage(),
                    "amount", e.value()));
        }
    }

    public static String optionalString(ObjectNode body, String field, int maxLength) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().length() > maxLength) {
            throw new ProblemException(Problem.badRequest("invalid-" + field, "Invalid " + field,
                    field + " must be a string of at most " + maxLength + " characters, was " + abbreviate(node.toString()),
                    field, abbreviate(node.toString())));
        }
        return node.textValue();
    }

    /** A query-string integer within bounds, or the default when absent. */
    public static long queryNumber(APIGatewayV2HTTPEvent request, String name, long min, long max, long fallback) {
        var raw = request.getQueryStringParameters() == null ? null : request.getQueryStringParameters().get(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new ProblemException(Problem.badRequest("invalid-" + name, "Invalid " + name,
                name + " must be a whole number from " + min + " to " + max + ", was " + raw, name, raw));
    }

    private static String body(APIGatewayV2HTTPEvent request) {
        var body = request.getBody();
        if (body == null) {
            return "";
        }
        if (request.getIsBase64Encoded()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Problem.badRequest("invalid-body", "Invalid body",
                        "the body is marked base64 but is not", "body", abbreviate(body)));
            }
        }
        if (body.length() > MAX_BODY_BYTES) {
            throw new ProblemException(new Problem(413, "body-too-large", "Body too large",
                    "the body must be at most " + MAX_BODY_BYTES + " bytes, was " + body.length(), "body", null));
        }
        return body;
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
