package dev.tally.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.tally.domain.AccountId;
import dev.tally.domain.Principal;
import dev.tally.observability.Correlation;
import dev.tally.observability.Metrics;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reading API Gateway HTTP API (payload 2.0) requests. Every client mistake becomes a {@link ProblemException}
 * naming the field and the value, never a 5xx.
 */
public final class ApiRequests {

    /** RFC 8259 registers no charset parameter for JSON; UTF-8 is the only one allowed, and optional. */
    private static final Pattern JSON_MEDIA_TYPE = Pattern.compile(
            "application/json(\\s*;\\s*charset\\s*=\\s*(\"utf-8\"|utf-8))?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    /** Stripe's rule: printable ASCII, at most 255 characters. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /**
     * OpenID Connect Core 1.0, section 2: a {@code sub} "MUST NOT exceed 255 ASCII characters". The limit also keeps
     * an owner's index key far below DynamoDB's 2048 bytes for a partition key.
     */
    private static final int MAX_SUBJECT_LENGTH = 255;

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

    /**
     * The caller: the verified token's {@code iss} and {@code sub}, and its scopes, which API Gateway's JWT authorizer
     * passes in {@code requestContext.authorizer.jwt}. A request without a verified token (a route deployed without the
     * authorizer) or a token without {@code iss} or {@code sub} is refused with a 401: the API fails closed, and
     * callers without a subject never share one identity.
     *
     * @param fallbackRequestId the id to record when the event has no {@code requestContext.requestId} (Lambda's own)
     * @param correlationId     the request's correlation id ({@link #correlationId})
     * @param metrics           the request's metrics
     */
    public static Caller caller(APIGatewayV2HTTPEvent request, String fallbackRequestId, String correlationId,
                                Metrics metrics) {
        var context = request.getRequestContext();
        var jwt = context == null || context.getAuthorizer() == null ? null : context.getAuthorizer().getJwt();
        if (jwt == null) {
            throw unauthenticated("the request carries no verified token", "Authorization");
        }
        var claims = jwt.getClaims() == null ? Map.<String, String>of() : jwt.getClaims();
        var subject = claims.get("sub");
        if (subject == null || subject.isBlank()) {
            throw unauthenticated("the token has no sub claim, so it names no caller", "sub");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw unauthenticated("the token's sub claim is longer than OpenID Connect's " + MAX_SUBJECT_LENGTH
                    + " characters", "sub");
        }
        var issuer = claims.get("iss");
        Principal principal;
        try {
            principal = new Principal(issuer == null ? "" : issuer, subject);
        } catch (IllegalArgumentException e) {
            throw unauthenticated("the token's iss claim is not an issuer: " + e.getMessage(), "iss");
        }
        return new Caller(principal, scopes(jwt), requestId(request, fallbackRequestId), correlationId, metrics);
    }

    /** API Gateway's id for the request, or {@code fallback} (Lambda's own) where the event has none. */
    public static String requestId(APIGatewayV2HTTPEvent request, String fallback) {
        var context = request.getRequestContext();
        return context == null || context.getRequestId() == null || context.getRequestId().isBlank()
                ? fallback : context.getRequestId();
    }

    /** The request's correlation id: its {@code traceparent}'s trace id if it sends a valid one, else its request id. */
    public static String correlationId(APIGatewayV2HTTPEvent request, String fallbackRequestId) {
        return Correlation.of(header(request, Correlation.TRACEPARENT).orElse(null), requestId(request, fallbackRequestId));
    }

    /**
     * The token's scopes: {@code jwt.scopes} as API Gateway passes them, or, where it passes none, the {@code scope}
     * (space-separated) or {@code scp} claim, which API Gateway flattens to text ({@code "[a b]"} for an array).
     */
    private static Set<String> scopes(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt) {
        if (jwt.getScopes() != null && !jwt.getScopes().isEmpty()) {
            return Set.copyOf(jwt.getScopes());
        }
        var claims = jwt.getClaims() == null ? Map.<String, String>of() : jwt.getClaims();
        var text = claims.getOrDefault("scope", claims.getOrDefault("scp", ""));
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        return Arrays.stream(text.split("[\\s,]+")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static ProblemException unauthenticated(String detail, String field) {
        return new ProblemException(new Problem(401, "unauthenticated", "Unauthenticated", detail, field, null));
    }

    /** The JSON object in the body, which must be there. */
    public static JsonBody jsonBody(APIGatewayV2HTTPEvent request) {
        return jsonObject(request, false);
    }

    /** The JSON object in the body; an absent body reads as {@code {}}. */
    public static JsonBody optionalJsonBody(APIGatewayV2HTTPEvent request) {
        return jsonObject(request, true);
    }

    private static JsonBody jsonObject(APIGatewayV2HTTPEvent request, boolean optional) {
        var body = body(request);
        if (body.isEmpty()) {
            if (optional) {
                return JsonBody.empty();
            }
            throw new ProblemException(Problem.badRequest("invalid-body", "Missing body",
                    "the request needs a JSON object body", "body", ""));
        }
        var contentType = header(request, "Content-Type").orElse("");
        if (!JSON_MEDIA_TYPE.matcher(contentType).matches()) {
            throw new ProblemException(Problem.badRequest("unsupported-media-type", "Unsupported media type",
                    "Content-Type must be application/json, optionally with charset=utf-8, was \"" + contentType + "\"",
                    "Content-Type", contentType));
        }
        return JsonBody.parse(body);
    }

    /** A query-string integer within bounds, or the default when absent. */
    public static long queryNumber(APIGatewayV2HTTPEvent request, String name, long min, long max, long fallback) {
        var raw = request.getQueryStringParameters() == null ? null : request.getQueryStringParameters().get(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        // ASCII digits only: Long.parseLong alone would also take "+5" and other scripts' digits
        if (DIGITS.matcher(raw).matches()) {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw new ProblemException(Problem.badRequest("invalid-" + name, "Invalid " + name,
                name + " must be a whole number from " + min + " to " + max + ", was " + raw, name, raw));
    }

    /** The body as text: its size counted in bytes, and refused unless it is UTF-8. */
    private static String body(APIGatewayV2HTTPEvent request) {
        var body = request.getBody();
        if (body == null) {
            return "";
        }
        byte[] bytes;
        if (request.getIsBase64Encoded()) {
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Problem.badRequest("invalid-body", "Invalid body",
                        "the body is marked base64 but is not", "body", JsonBody.abbreviate(body)));
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ProblemException(new Problem(413, "body-too-large", "Body too large",
                    "the body must be at most " + MAX_BODY_BYTES + " bytes, was " + bytes.length, "body", null));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(Problem.badRequest("invalid-body", "Invalid body",
                    "the body is not UTF-8", "body", null));
        }
    }
}
