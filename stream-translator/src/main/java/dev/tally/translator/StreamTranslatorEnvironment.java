package dev.tally.translator;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.Map;

/** The translator's configuration, from environment variables whose names the CDK app shares. */
public final class StreamTranslatorEnvironment {

    public static final String DOMAIN_EVENTS_STREAM = "TALLY_DOMAIN_EVENTS_STREAM";
    public static final String DEFAULT_STREAM_NAME = "domain-events";

    private StreamTranslatorEnvironment() {
    }

    static StreamTranslator shared() {
        return Holder.TRANSLATOR;
    }

    private static final class Holder {
        static final StreamTranslator TRANSLATOR = fromEnvironment(System.getenv(),
                KinesisClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
    }

    public static StreamTranslator fromEnvironment(Map<String, String> env, KinesisClient kinesis) {
        return new StreamTranslator(new KinesisEventPublisher(kinesis,
                env.getOrDefault(DOMAIN_EVENTS_STREAM, DEFAULT_STREAM_NAME)));
    }
}
