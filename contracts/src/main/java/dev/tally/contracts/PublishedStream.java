package dev.tally.contracts;

import java.util.Map;

/**
 * The Kinesis stream Tally publishes its {@link DomainEvent}s on, with the account id as partition key: its
 * name is a setting shared by the translator that writes it, the workers that read it, the CLI and the CDK app.
 */
public final class PublishedStream {

    /** The variable naming the stream. */
    public static final String NAME = "TALLY_DOMAIN_EVENTS_STREAM";
    public static final String DEFAULT_NAME = "domain-events";

    private PublishedStream() {
    }

    public static String nameFrom(Map<String, String> env) {
        return env.getOrDefault(NAME, DEFAULT_NAME);
    }
}
