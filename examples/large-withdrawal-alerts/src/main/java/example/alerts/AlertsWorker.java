package example.alerts;

import dev.tally.observability.WorkerLogging;
import dev.tally.subscriptions.SubscriberWorker;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;

/**
 * The same subscriber as {@link AlertsFunction}, run the KCL way: a long-lived worker (a Fargate task in AWS) for a
 * team that would rather hold leases than be invoked. Same rule, same tables, same settings.
 */
public final class AlertsWorker {

    private AlertsWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerLogging.start(AlertsSettings.fromEnvironment(System.getenv()).subscription());
        var environment = System.getenv();
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SubscriberWorker.run(AlertsFunction.subscription(AlertsSettings.fromEnvironment(environment), dynamo,
                Clock.systemUTC()), environment, LoggerFactory.getLogger(AlertsWorker.class)::info);
    }
}
