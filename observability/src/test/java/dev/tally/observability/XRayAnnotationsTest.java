package dev.tally.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class XRayAnnotationsTest {

    private static final String SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    @Test
    void aSampledInvocationGetsASubsegmentWithTheAnnotationsOnItsTrace() throws Exception {
        var document = XRayAnnotations.document(SAMPLED, "tally", Map.of("correlation_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
                Instant.parse("2026-12-05T10:00:00.123456Z"), Instant.parse("2026-12-05T10:00:00.200Z")).orElseThrow();

        var lines = document.split("\n", 2);
        assertThat(lines[0]).isEqualTo("{\"format\": \"json\", \"version\": 1}");
        var segment = new ObjectMapper().readTree(lines[1]);
        assertThat(segment.path("trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(segment.path("parent_id").asText()).isEqualTo("53995c3f42cd8ad8");
        assertThat(segment.path("type").asText()).isEqualTo("subsegment");
        assertThat(segment.path("id").asText()).matches("[0-9a-f]{16}");
        assertThat(segment.path("start_time").decimalValue()).isEqualByComparingTo("1796464800.123456");
        assertThat(segment.path("end_time").decimalValue()).isEqualByComparingTo("1796464800.200000");
        assertThat(segment.path("annotations").path("correlation_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void anUnsampledOrIncompleteHeaderSendsNothing() {
        var now = Instant.now();
        assertThat(XRayAnnotations.document(SAMPLED.replace("Sampled=1", "Sampled=0"), "t", Map.of(), now, now)).isEmpty();
        assertThat(XRayAnnotations.document("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "t", Map.of(), now, now)).isEmpty();
    }

    @Test
    void keysXRayWouldRefuseAreLeftOutAndValuesAreEscaped() throws Exception {
        var document = XRayAnnotations.document(SAMPLED, "t", Map.of("bad-key", "x", "ok", "a\"b\\c"),
                Instant.EPOCH, Instant.EPOCH).orElseThrow();
        var annotations = new ObjectMapper().readTree(document.split("\n", 2)[1]).path("annotations");
        assertThat(annotations.has("bad-key")).isFalse();
        assertThat(annotations.path("ok").asText()).isEqualTo("a\"b\\c");
    }

    @Test
    void theDaemonAddressIsReadInBothItsForms() {
        assertThat(XRayAnnotations.udpAddress("169.254.79.129:2000")).contains(new InetSocketAddress("169.254.79.129", 2000));
        assertThat(XRayAnnotations.udpAddress("tcp:127.0.0.1:2000 udp:127.0.0.2:2001"))
                .contains(new InetSocketAddress("127.0.0.2", 2001));
        assertThat(XRayAnnotations.udpAddress("nonsense")).isEmpty();
    }

    @Test
    void theDocumentReachesADaemonOverUdp() throws Exception {
        try (var daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            daemon.setSoTimeout(5_000);
            XRayAnnotations.send("{\"format\": \"json\", \"version\": 1}\n{}",
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.getLocalPort()));
            var packet = new DatagramPacket(new byte[1024], 1024);
            daemon.receive(packet);
            assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"format\": \"json\", \"version\": 1}\n{}");
        }
    }
}
