package dev.tally.translator;

import dev.tally.contracts.PublishedStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.Map;

/** The translator's settings: the stream it publishes to ({@link PublishedStream}, which the CDK app sets). */
public final class StreamTranslatorEnvironment {

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
                PublishedStream.nameFrom(env)));
    }
}
