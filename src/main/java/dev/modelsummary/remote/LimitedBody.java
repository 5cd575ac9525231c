package dev.modelsummary.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body kept up to {@code max} bytes. More than that cancels the download, so a server that sends a
 * whole file for a range request costs at most {@code max} bytes plus what is in flight, never the file.
 */
final class LimitedBody implements BodySubscriber<LimitedBody.Result> {
    /** The bytes kept; {@code overflow} when the server sent more than {@code max}. */
    record Result(byte[] bytes, boolean overflow) {
    }

    /**
     * The connection ended before the body did: {@code received} bytes came of the {@code expected} ones the
     * server announced ({@code -1} when it announced no length).
     */
    static final class CutShort extends IOException {
        private final long received;
        private final long expected;

        CutShort(long received, long expected, Throwable cause) {
            super("the server closed the connection after " + received
                    + (expected >= 0 ? " of " + expected : "") + " bytes", cause);
            this.received = received;
            this.expected = expected;
        }

        long received() {
            return received;
        }

        long expected() {
            return expected;
        }
    }

    private final int max;
    private final long expected;
    private long received;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int max) {
        this(max, -1);
    }

    /** @param expected the body's announced length (Content-Length), -1 when none */
    LimitedBody(int max, long expected) {
        this.max = max;
        this.expected = expected;
    }

    @Override
    public CompletionStage<Result> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (max == 0) {
            s.cancel();
            result.complete(new Result(new byte[0], false));
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            received += buffer.remaining();
            int room = max - kept.size();
            if (buffer.remaining() > room) {
                byte[] part = new byte[room];
                buffer.get(part);
                kept.write(part, 0, part.length);
                subscription.cancel();
                result.complete(new Result(kept.toByteArray(), true));
                return;
            }
            byte[] all = new byte[buffer.remaining()];
            buffer.get(all);
            kept.write(all, 0, all.length);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(new CutShort(received, expected, throwable));
    }

    @Override
    public void onComplete() {
        result.complete(new Result(kept.toByteArray(), false));
    }
}
