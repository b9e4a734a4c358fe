package dev.tally.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.Map;

/** Writing API Gateway HTTP API (payload 2.0) responses: JSON bodies, and RFC 9457 problems. */
public final class ApiResponses {

    public static final String PROBLEM_TYPE_BASE = "https://tally.dev/problems/";
    /** Also reads responses exactly (tests do): decimals as BigDecimal, nothing after the value. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ApiResponses() {
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> extraHeaders) {
        var headers = new HashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.putAll(extraHeaders);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(write(body))
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse problem(Problem problem, String instance, Map<String, String> extraHeaders) {
        var body = JSON.createObjectNode()
                .put("type", PROBLEM_TYPE_BASE + problem.slug())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", wellFormed(problem.detail()));
        if (instance != null) {
            body.put("instance", instance);
        }
        if (problem.field() != null) {
            body.put("field", problem.field());
            body.put("value", wellFormed(problem.value()));
        }
        var headers = new HashMap<String, String>();
        headers.put("Content-Type", "application/problem+json");
        headers.putAll(extraHeaders);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(problem.status())
                .withHeaders(headers)
                .withBody(write(body))
                .withIsBase64Encoded(false)
                .build();
    }

    /**
     * {@code text} with each unpaired surrogate (which a client can send as a JSON escape, but which no UTF-8 response
     * can carry) replaced by U+FFFD, so that echoing a refused value can never break the response.
     */
    static String wellFormed(String text) {
        if (text == null) {
            return null;
        }
        var out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.getType(c) == Character.SURROGATE ? 0xFFFD : c));
        return out.toString();
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
