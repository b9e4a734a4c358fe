package dev.tally.standins.apigateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Real HTTP requests through the gateway stand-in, checked against the payload 2.0 shape AWS documents. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class LocalApiGatewayTest {

    private final AtomicReference<APIGatewayV2HTTPEvent> seen = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LocalApiGateway gateway;

    private void start(APIGatewayV2HTTPResponse reply) {
        gateway = new LocalApiGateway(0, List.of(new LocalApiGateway.Route("POST", "/things/{id}/parts/{part}", "ThingHandler",
                (event, context) -> {
                    seen.set(event);
                    return reply;
                }), new LocalApiGateway.Route("GET", "/boom", "BoomHandler", (event, context) -> {
                    throw new IllegalStateException("boom");
                })), 4);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void a_request_becomes_a_payload_2_0_event() throws Exception {
        start(APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("ok").build());

        send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/things/a%20b/parts/7?x=1&x=2&y=%C3%A9"))
                .header("Content-Type", "application/json")
                .header("X-Custom", "Value")
                .header("Cookie", "a=1; b=2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":1}")));

        var event = seen.get();
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("POST /things/{id}/parts/{part}");
        assertThat(event.getRawPath()).isEqualTo("/things/a%20b/parts/7");
        assertThat(event.getRawQueryString()).isEqualTo("x=1&x=2&y=%C3%A9");
        assertThat(event.getQueryStringParameters()).containsExactlyInAnyOrderEntriesOf(Map.of("x", "1,2", "y", "é"));
        assertThat(event.getPathParameters()).containsExactlyInAnyOrderEntriesOf(Map.of("id", "a b", "part", "7"));
        assertThat(event.getHeaders()).containsEntry("x-custom", "Value").containsEntry("content-type", "application/json")
                .doesNotContainKey("cookie");
        assertThat(event.getCookies()).containsExactly("a=1", "b=2");
        assertThat(event.getBody()).isEqualTo("{\"k\":1}");
        assertThat(event.getIsBase64Encoded()).isFalse();
        var context = event.getRequestContext();
        assertThat(context.getHttp().getMethod()).isEqualTo("POST");
        assertThat(context.getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(context.getRouteKey()).isEqualTo(event.getRouteKey());
        assertThat(context.getStage()).isEqualTo("$default");
        assertThat(context.getRequestId()).isNotBlank();
        assertThat(context.getTimeEpoch()).isPositive();
    }

    @Test
    void a_binary_body_arrives_base64_encoded_and_a_base64_response_is_decoded() throws Exception {
        var png = new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        start(APIGatewayV2HTTPResponse.builder().withStatusCode(201).withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(png))
                .withHeaders(Map.of("Content-Type", "image/png"))
                .withCookies(List.of("session=x; HttpOnly"))
                .build());

        var response = send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/things/1/parts/2"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png)));

        assertThat(seen.get().getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(seen.get().getBody())).isEqualTo(png);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo(png);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("session=x; HttpOnly");
        assertThat(response.headers().firstValue("apigw-requestid")).isPresent();
    }

    @Test
    void unknown_routes_and_failing_handlers_answer_as_api_gateway_does() throws Exception {
        start(APIGatewayV2HTTPResponse.builder().withStatusCode(200).build());

        var missing = send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/nothing")).GET());
        var wrongMethod = send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/things/1/parts/2")).GET());
        var failing = send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/boom")).GET());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new String(missing.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(failing.statusCode()).isEqualTo(500);
        assertThat(new String(failing.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void a_json_body_that_is_not_utf_8_arrives_base64_encoded_instead_of_mangled() throws Exception {
        start(APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("ok").build());
        var bytes = new byte[]{'{', '"', 'k', '"', ':', '"', (byte) 0xff, '"', '}'};

        send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/things/a/parts/1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));

        assertThat(seen.get().getIsBase64Encoded()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(seen.get().getBody())).isEqualTo(bytes);
    }

    @Test
    void it_listens_on_loopback_only() {
        start(APIGatewayV2HTTPResponse.builder().withStatusCode(200).build());

        assertThat(gateway.boundAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(gateway.endpoint().getHost()).isEqualTo("127.0.0.1");
    }
}
