package dev.tally.eventstore;

import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one ambiguity of a conditional write: the SDK sends a put again after a timeout, a broken connection or a 5xx,
 * and the first attempt may have landed with its answer lost, so the retry is refused by the item it wrote itself.
 */
final class RetriedWrites {

    private RetriedWrites() {
    }

    /**
     * Whether the refused put was sent more than once, so that the item refusing it may be its own. A put refused on
     * its first attempt was refused by somebody else's item: reading the stored item back to compare is needed only
     * here, which keeps the ordinary lost race (a hot account's) to its one refused put.
     */
    static boolean mayHaveRefusedItself(ConditionalCheckFailedException refused) {
        var attempts = refused.numAttempts();
        return attempts != null && attempts > 1;
    }
}
