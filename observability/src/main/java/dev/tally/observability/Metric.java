package dev.tally.observability;

/**
 * Every metric Tally publishes, in the CloudWatch namespace {@link Metrics#NAMESPACE} with the one dimension
 * {@link Metrics#DIMENSION}: the one home of their names, which the CDK dashboard and alarms, {@code ./tally metrics}
 * and {@code ./tally status} read too.
 */
public enum Metric {
    /** A command that wrote its event. */
    COMMANDS_APPLIED("CommandsApplied", Unit.COUNT),
    /** A command answered with a problem (4xx other than a lost race): invalid, forbidden, an overdraft... */
    COMMANDS_REFUSED("CommandsRefused", Unit.COUNT),
    /** A command that lost the race for its account's next version on every attempt: a 409. */
    COMMANDS_CONFLICTED("CommandsConflicted", Unit.COUNT),
    /** An attempt repeated after losing a race (a command may count several). */
    COMMAND_RETRIES("CommandRetries", Unit.COUNT),
    /** A command answered from its idempotency key's stored response. */
    IDEMPOTENT_REPLAYS("IdempotentReplays", Unit.COUNT),
    /** The time an API request took in the handler. */
    REQUEST_DURATION("RequestDuration", Unit.MILLISECONDS),
    /** A stored event the translator published on the domain events stream. */
    RECORDS_PUBLISHED("RecordsPublished", Unit.COUNT),
    /** A stream record the translator could not translate, set aside. */
    RECORDS_POISONED("RecordsPoisoned", Unit.COUNT),
    /** The age of a translator batch's oldest record when the batch was handled. */
    BATCH_AGE("BatchAge", Unit.MILLISECONDS),
    /** How long after it occurred a subscription handled an event. */
    SUBSCRIPTION_LAG("SubscriptionLag", Unit.MILLISECONDS),
    /** An event a subscription handled (its effect happened). */
    EVENTS_HANDLED("EventsHandled", Unit.COUNT),
    /** An event a subscription had handled before. */
    EVENTS_DUPLICATE("EventsDuplicate", Unit.COUNT),
    /** A retry of a subscription's handler after a retryable failure. */
    EVENTS_RETRIED("EventsRetried", Unit.COUNT),
    /** A record a subscription parked as a dead letter. */
    DEAD_LETTERS("DeadLetters", Unit.COUNT),
    /** A lake row Firehose accepted. */
    LAKE_ROWS_DELIVERED("LakeRowsDelivered", Unit.COUNT),
    /** A lake row Firehose refused, or a call to it that failed (then retried). */
    FIREHOSE_FAILURES("FirehoseFailures", Unit.COUNT);

    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    private final String metricName;
    private final Unit unit;

    Metric(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    /** The name in CloudWatch and in the EMF line. */
    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }
}
