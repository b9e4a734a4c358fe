package dev.tally.cdk;

import dev.tally.observability.Metric;
import dev.tally.observability.Metrics;
import dev.tally.subscriptions.KclWorker;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MetricProps;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How Tally's parts are observed in AWS, in one place: every Lambda traced by X-Ray with JSON logs, KCL workers
 * publishing their metrics to a namespace of their own, and the metrics Tally's code writes as EMF lines
 * ({@link Metric}, namespace {@link Metrics#NAMESPACE}) as CloudWatch series for the dashboard and alarms.
 *
 * <p>The HTTP API's stage is not traced: X-Ray traces REST APIs only, not HTTP APIs. Its access log (JSON, with
 * {@code $context.requestId}, the correlation id of a request sent without {@code traceparent}) and the API
 * functions' traces, which the handlers annotate with the correlation id, stand in.
 */
final class Operations {

    /** The level of KCL's own metrics in AWS: per shard and worker, without the per-operation detail. */
    static final String KCL_METRICS_LEVEL = "SUMMARY";

    private Operations() {
    }

    /**
     * A Java function as Tally runs every one: active X-Ray tracing; JSON logs, the function's and Lambda's own at
     * INFO (Lambda's REPORT line, with each invocation's duration and memory, is an INFO line).
     */
    static Function.Builder observed(Function.Builder function) {
        return function
                .tracing(Tracing.ACTIVE)
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.INFO);
    }

    /**
     * What a KCL worker needs to publish its own metrics: {@code cloudwatch:PutMetricData}, which has no resources,
     * limited by condition to the application's namespace ({@link KclWorker#metricsNamespace}).
     */
    static PolicyStatement kclMetrics(String application) {
        return PolicyStatement.Builder.create()
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", KclWorker.metricsNamespace(application))))
                .build();
    }

    /** A series Tally's code writes: {@code metric} of {@code service}, per minute. */
    static IMetric metric(Metric metric, String service, String statistic) {
        return new software.amazon.awscdk.services.cloudwatch.Metric(MetricProps.builder()
                .namespace(Metrics.NAMESPACE)
                .metricName(metric.metricName())
                .dimensionsMap(Map.of(Metrics.DIMENSION, service))
                .statistic(statistic)
                .label(service + " " + metric.metricName() + (statistic.equals("Sum") ? "" : " " + statistic))
                .period(Duration.minutes(1))
                .build());
    }

    /** One dashboard row: graphs of about a third of the width each. */
    record Row(String title, List<GraphWidget> graphs) {
    }

    static GraphWidget graph(String title, List<IMetric> left) {
        return GraphWidget.Builder.create().title(title).left(left).width(8).height(6).build();
    }

    /** The operators' dashboard: a heading per row, then its graphs. */
    static Dashboard dashboard(Construct scope, String name, List<Row> rows) {
        var widgets = new ArrayList<List<IWidget>>();
        for (var row : rows) {
            widgets.add(List.of(TextWidget.Builder.create().markdown("## " + row.title()).width(24).height(1).build()));
            widgets.add(new ArrayList<>(row.graphs()));
        }
        return Dashboard.Builder.create(scope, "Dashboard").dashboardName(name).widgets(widgets).build();
    }
}
