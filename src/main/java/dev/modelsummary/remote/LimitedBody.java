package dev.modelsummary.remote;

import java.io.ByteArrayOutputStream;
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

    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int max) {
        this.max = max;
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
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Result(kept.toByteArray(), false));
    }
}
