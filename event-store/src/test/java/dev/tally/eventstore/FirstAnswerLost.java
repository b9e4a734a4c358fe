package dev.tally.eventstore;

import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ambiguous write, as a broken connection or a timeout makes one: the client's first PutItem reaches dynalite
 * (or, if told, fails before it is sent, after {@code beforeTheFirstPut} has run), and its answer is lost, so the SDK
 * sends it again. Only the first PutItem of the client is touched.
 */
final class FirstAnswerLost implements ExecutionInterceptor {

    private final AtomicBoolean lost = new AtomicBoolean();
    private final Runnable beforeTheFirstPut;
    private final boolean firstPutLands;

    private FirstAnswerLost(Runnable beforeTheFirstPut, boolean firstPutLands) {
        this.beforeTheFirstPut = beforeTheFirstPut;
        this.firstPutLands = firstPutLands;
    }

    /** The first put lands; its answer is lost. */
    static FirstAnswerLost afterItLanded() {
        return new FirstAnswerLost(() -> { }, true);
    }

    /** {@code meanwhile} runs (another writer, say), then the first put fails before it is sent. */
    static FirstAnswerLost beforeItWasSent(Runnable meanwhile) {
        return new FirstAnswerLost(meanwhile, false);
    }

    /** Whether the first put's answer was lost (so the SDK sent it again). */
    boolean happened() {
        return lost.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutItemRequest && !lost.get()) {
            beforeTheFirstPut.run();
            if (!firstPutLands) {
                lost.set(true);
                throw RetryableException.builder().message("connection broken before the put was sent").build();
            }
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutItemRequest && lost.compareAndSet(false, true)) {
            throw RetryableException.builder().message("the put's answer was lost").build();
        }
    }
}
