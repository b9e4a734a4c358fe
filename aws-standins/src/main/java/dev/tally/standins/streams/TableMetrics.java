package dev.tally.standins.streams;

/**
 * What CloudWatch would show for one table since the proxy started, summed: the
 * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html">DynamoDB
 * metrics</a> {@code ReturnedItemCount} (Query and Scan), {@code ConsumedReadCapacityUnits},
 * {@code ConsumedWriteCapacityUnits} and {@code ConditionalCheckFailedRequests}. The capacity is what dynalite
 * reports through {@code ReturnConsumedCapacity}; a write refused by its condition is billed in AWS but reported by
 * neither, so it is counted here only as a failed request.
 */
public record TableMetrics(long returnedItemCount, double consumedReadCapacityUnits, double consumedWriteCapacityUnits,
                           long conditionalCheckFailedRequests) {

    public static final TableMetrics NONE = new TableMetrics(0, 0, 0, 0);

    /** The metrics of two tables together. */
    public TableMetrics plus(TableMetrics other) {
        return new TableMetrics(returnedItemCount + other.returnedItemCount,
                consumedReadCapacityUnits + other.consumedReadCapacityUnits,
                consumedWriteCapacityUnits + other.consumedWriteCapacityUnits,
                conditionalCheckFailedRequests + other.conditionalCheckFailedRequests);
    }

    /** What happened between {@code earlier} and this. */
    public TableMetrics minus(TableMetrics earlier) {
        return new TableMetrics(returnedItemCount - earlier.returnedItemCount,
                consumedReadCapacityUnits - earlier.consumedReadCapacityUnits,
                consumedWriteCapacityUnits - earlier.consumedWriteCapacityUnits,
                conditionalCheckFailedRequests - earlier.conditionalCheckFailedRequests);
    }
}
