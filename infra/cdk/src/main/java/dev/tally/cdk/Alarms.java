package dev.tally.cdk;

import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/** The alarms' one shape: over a threshold for some periods in a row, with missing data counting as fine. */
final class Alarms {

    private Alarms() {
    }

    /**
     * @param description what the alarm means and where to look, or null
     * @param periods     how many periods in a row the metric must be over {@code threshold}
     */
    static Alarm above(Construct scope, String id, String description, IMetric metric, double threshold, int periods) {
        return Alarm.Builder.create(scope, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold).evaluationPeriods(periods)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
    }
}
