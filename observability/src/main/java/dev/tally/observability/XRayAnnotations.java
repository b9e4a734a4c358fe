package dev.tally.observability;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Annotations on the current Lambda invocation's X-Ray trace (with active tracing on): a subsegment carrying them,
 * sent to the X-Ray daemon as the documented segment document over UDP. A Lambda function cannot annotate its own
 * segment, only subsegments of it; the X-Ray SDK for Java would do the same, but it brings the AWS SDK v1 with it
 * and is in maintenance. Outside Lambda, or when the invocation is not sampled, nothing is sent; a send that fails
 * is ignored: tracing never fails a request.
 *
 * @see <a href="https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html">Sending trace data to X-Ray</a>
 */
public final class XRayAnnotations {

    /** Where the Java runtime puts the invocation's trace header (the environment variable is per process). */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    static final String TRACE_HEADER_ENV = "_X_AMZN_TRACE_ID";
    static final String DAEMON_ENV = "AWS_XRAY_DAEMON_ADDRESS";
    private static final String HEADER = "{\"format\": \"json\", \"version\": 1}\n";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,500}");
    private static final SecureRandom IDS = new SecureRandom();

    private XRayAnnotations() {
    }

    /** Annotates the current invocation's trace with {@code annotations}, as a subsegment from start to end. */
    public static void annotate(String name, Map<String, String> annotations, Instant start, Instant end) {
        var header = Optional.ofNullable(System.getProperty(TRACE_HEADER_PROPERTY)).or(() -> Optional.ofNullable(System.getenv(TRACE_HEADER_ENV)));
        var daemon = Optional.ofNullable(System.getenv(DAEMON_ENV)).flatMap(XRayAnnotations::udpAddress);
        if (header.isEmpty() || daemon.isEmpty()) {
            return;
        }
        document(header.get(), name, annotations, start, end).ifPresent(document -> send(document, daemon.get()));
    }

    /** The datagram for a sampled trace header: the daemon's header line, then the subsegment. */
    static Optional<String> document(String traceHeader, String name, Map<String, String> annotations, Instant start,
                                     Instant end) {
        var fields = new LinkedHashMap<String, String>();
        for (var part : traceHeader.split(";")) {
            var equals = part.indexOf('=');
            if (equals > 0) {
                fields.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
            }
        }
        var root = fields.get("Root");
        var parent = fields.get("Parent");
        if (root == null || parent == null || !"1".equals(fields.get("Sampled"))) {
            return Optional.empty();
        }
        var json = new StringBuilder(HEADER).append('{')
                .append("\"name\":").append(quote(name))
                .append(",\"id\":").append(quote(HexFormat.of().formatHex(randomBytes())))
                .append(",\"trace_id\":").append(quote(root))
                .append(",\"parent_id\":").append(quote(parent))
                .append(",\"type\":\"subsegment\"")
                .append(",\"start_time\":").append(seconds(start))
                .append(",\"end_time\":").append(seconds(end))
                .append(",\"annotations\":{");
        boolean first = true;
        for (var annotation : annotations.entrySet()) {
            if (annotation.getValue() == null || !KEY.matcher(annotation.getKey()).matches()) {
                continue; // X-Ray keeps only alphanumeric and underscore keys
            }
            json.append(first ? "" : ",").append(quote(annotation.getKey())).append(':').append(quote(annotation.getValue()));
            first = false;
        }
        return Optional.of(json.append("}}").toString());
    }

    /** {@code host:port}, or the UDP part of {@code tcp:host:port udp:host:port}. */
    static Optional<InetSocketAddress> udpAddress(String setting) {
        for (var part : setting.trim().split("\\s+")) {
            var address = part.startsWith("udp:") ? part.substring(4) : part.startsWith("tcp:") ? null : part;
            if (address == null) {
                continue;
            }
            var colon = address.lastIndexOf(':');
            if (colon > 0) {
                try {
                    return Optional.of(new InetSocketAddress(address.substring(0, colon),
                            Integer.parseInt(address.substring(colon + 1))));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static void send(String document, InetSocketAddress daemon) {
        var bytes = document.getBytes(StandardCharsets.UTF_8);
        try (var socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(bytes, bytes.length, daemon));
        } catch (IOException | RuntimeException e) {
            // tracing is best effort: a lost subsegment is a gap in a trace, never a failed request
        }
    }

    private static byte[] randomBytes() {
        var bytes = new byte[8];
        IDS.nextBytes(bytes);
        return bytes;
    }

    private static String seconds(Instant at) {
        return at.getEpochSecond() + "." + String.format("%06d", at.getNano() / 1000);
    }

    private static String quote(String text) {
        var out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
