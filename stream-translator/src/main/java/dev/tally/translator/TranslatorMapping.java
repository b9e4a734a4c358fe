package dev.tally.translator;

import java.time.Duration;

/**
 * The event-source mapping settings of the translator, shared by the CDK app and the local stand-in so that both
 * run it the same way.
 */
public final class TranslatorMapping {

    /** Records per invocation. A batch is a few KB; 100 keeps an invocation well under a second. */
    public static final int BATCH_SIZE = 100;
    /**
     * No waiting to fill a batch: Lambda already reads the stream only 4 times a second, so a batch gathers what
     * arrived meanwhile, and a window would add its length to every event's lag.
     */
    public static final Duration MAXIMUM_BATCHING_WINDOW = Duration.ZERO;
    /** The translator reports the first record it could not publish. */
    public static final boolean REPORT_BATCH_ITEM_FAILURES = true;
    /** Narrows a poison record down to itself, so that the records around it get through. */
    public static final boolean BISECT_BATCH_ON_FUNCTION_ERROR = true;
    /** After this many retries a record goes to the on-failure destination, and the shard moves on. */
    public static final int MAXIMUM_RETRY_ATTEMPTS = 3;
    /** The stream's own retention: a record is never dropped for age before the stream drops it. */
    public static final Duration MAXIMUM_RECORD_AGE = Duration.ofDays(1);
    public static final String FUNCTION_NAME = "stream-translator";

    private TranslatorMapping() {
    }
}
