package example.alerts;

import dev.tally.subscriptions.DeadLetterTable;
import dev.tally.subscriptions.PositionTable;
import dev.tally.subscriptions.SubscriberMapping;

import java.util.Map;

/**
 * The function's settings, from its environment. Every name has a default, so the function runs as it is.
 *
 * @param subscription   the subscription's name: its positions and dead letters are in {@code <name>-positions} and
 *                       {@code <name>-dead-letters}
 * @param table          the table of withdrawal days and alerts: {@code <name>-days} unless told otherwise
 * @param thresholdMinor a day's withdrawals must add up to more than this (minor units) to alert
 */
public record AlertsSettings(String subscription, String table, long thresholdMinor) {

    /** The kit's name for it, which Tally's subscriber construct sets. */
    public static final String SUBSCRIPTION = SubscriberMapping.SUBSCRIPTION;
    public static final String TABLE = "ALERTS_TABLE";
    public static final String THRESHOLD_MINOR = "ALERTS_THRESHOLD_MINOR";

    public static final String DEFAULT_SUBSCRIPTION = "large-withdrawal-alerts";
    /** 500.00 in minor units. */
    public static final long DEFAULT_THRESHOLD_MINOR = 50_000;

    public static AlertsSettings fromEnvironment(Map<String, String> environment) {
        var subscription = environment.getOrDefault(SUBSCRIPTION, DEFAULT_SUBSCRIPTION);
        var threshold = environment.get(THRESHOLD_MINOR);
        long thresholdMinor;
        try {
            thresholdMinor = threshold == null ? DEFAULT_THRESHOLD_MINOR : Long.parseLong(threshold);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THRESHOLD_MINOR + " must be a whole number of minor units, was " + threshold);
        }
        return new AlertsSettings(subscription, environment.getOrDefault(TABLE, subscription + "-days"), thresholdMinor);
    }

    public String positionsTable() {
        return PositionTable.nameFor(subscription);
    }

    public String deadLettersTable() {
        return DeadLetterTable.nameFor(subscription);
    }
}
