package dev.tally.subscriptions;

import dev.tally.contracts.PublishedStream;

import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The KCL way to run a subscription as a long-lived process (a Fargate task in AWS, with Tally's subscriber
 * construct): its KCL application is the subscription's name, so its lease table is too; it reads the stream named by
 * {@link #STREAM} (a name, or an ARN for a stream in another account) and stops the subscription before the worker
 * when the process is told to stop. A subscriber's {@code main} is then one line:
 *
 * <pre>{@code
 * public static void main(String[] args) throws InterruptedException {
 *     WorkerLogging.start("alerts"); // JSON lines naming the worker, even for an uncaught exception
 *     SubscriberWorker.run(Alerts.subscription(...), System.getenv(), LoggerFactory.getLogger(Main.class)::info);
 * }
 * }</pre>
 */
public final class SubscriberWorker {

    /** The environment variable naming the stream to read: its name, or its ARN (default: {@code domain-events}). */
    public static final String STREAM = PublishedStream.NAME;

    private SubscriberWorker() {
    }

    /** Runs {@code subscription} until the process is told to stop; never returns normally. */
    public static void run(Subscription subscription, Map<String, String> environment, Consumer<String> log)
            throws InterruptedException {
        var clients = KclWorker.Clients.fromEnvironment();
        var worker = KclWorker.start(clients, PublishedStream.nameFrom(environment), subscription.name(),
                KclWorker.newWorkerId(), ShardReadBudget.SUBSCRIBER, () -> new SubscriptionProcessor(subscription, Clock.systemUTC(), log), log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            subscription.stop();
            worker.close();
            clients.close();
        }, subscription.name() + "-stop"));
        Thread.currentThread().join();
    }
}
