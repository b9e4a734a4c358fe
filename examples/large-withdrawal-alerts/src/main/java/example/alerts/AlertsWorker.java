package example.alerts;

import dev.tally.subscriptions.SubscriberWorker;
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
        var environment = System.getenv();
        var dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SubscriberWorker.run(AlertsFunction.subscription(AlertsSettings.fromEnvironment(environment), dynamo,
                Clock.systemUTC(), System.out::println), environment, System.out::println);
    }
}
