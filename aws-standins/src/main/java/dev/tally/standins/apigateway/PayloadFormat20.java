package dev.tally.standins.apigateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.sun.net.httpserver.HttpExchange;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Turns an HTTP request into the event an HTTP API sends a Lambda proxy integration in
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">payload
 * format 2.0</a>: lowercased header names with repeated values joined by commas, cookies moved out of the headers,
 * repeated query parameters joined by commas, non-text bodies base64-encoded, and a JWT authorizer's claims and
 * scopes in {@code requestContext.authorizer.jwt}.
 */
final class PayloadFormat20 {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private PayloadFormat20() {
    }

    /**
     * @param jwt the authorizer's verdict for an authorized route, or {@code null} for a route without authorization
     */
    static APIGatewayV2HTTPEvent event(HttpExchange exchange, String routeKey, List<String> parameterNames, Matcher matcher,
                                       byte[] body, String requestId, JwtAuthorizer.Allowed jwt) {
        var headers = new LinkedHashMap<String, String>();
        var cookies = new ArrayList<String>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            var lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(v -> {
                    for (var cookie : v.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                });
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        var rawQuery = exchange.getRequestURI().getRawQuery();
        var query = new LinkedHashMap<String, String>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (var pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                var cut = pair.indexOf('=');
                var name = decode(cut < 0 ? pair : pair.substring(0, cut));
                var value = cut < 0 ? "" : decode(pair.substring(cut + 1));
                query.merge(name, value, (a, b) -> a + "," + b);
            }
        }
        var pathParameters = new LinkedHashMap<String, String>();
        for (var name : parameterNames) {
            pathParameters.put(name, decode(matcher.group(name)));
        }
        var contentType = headers.getOrDefault("content-type", "");
        // a "text" body that is not valid UTF-8 would turn into U+FFFD here, so pass it base64-encoded instead
        boolean asText = isText(contentType) && isUtf8(body);
        var now = Instant.now();
        var source = exchange.getRemoteAddress().getAddress().getHostAddress();
        var rawPath = exchange.getRequestURI().getRawPath();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null
                        : asText ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !asText)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withAuthorizer(jwt == null ? null : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(jwt.claims())
                                        .withScopes(jwt.scopes())
                                        .build())
                                .build())
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1"))
                        .withDomainPrefix("local")
                        .withRequestId(requestId)
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(exchange.getRequestMethod())
                                .withPath(rawPath)
                                .withProtocol(exchange.getProtocol())
                                .withSourceIp(source)
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .build();
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** API Gateway passes text bodies as they are and base64-encodes everything else. */
    private static boolean isText(String contentType) {
        var type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
