package dev.modelsummary.compute;

import dev.modelsummary.model.Shape;
import java.util.Arrays;

/**
 * Matrix products as FlopCounterMode counts them: {@code bmm} {@code (B, M, K) @ (B, K, N)} and {@code torch.matmul}
 * of two operands of rank 2 or more with broadcast batch dims; 2 FLOPs per multiply-add, {@code 2 * batch * M * K * N}.
 */
public final class MatMul {
    private MatMul() {
    }

    /** {@code torch.bmm(a, b)}: both 3-D with the same batch, {@code (B, M, K) @ (B, K, N) -> (B, M, N)}. */
    public static Shape bmm(Shape a, Shape b) {
        if (a.rank() != 3) {
            throw new ShapeException("batch1 must be a 3D tensor");
        }
        if (b.rank() != 3) {
            throw new ShapeException("batch2 must be a 3D tensor");
        }
        if (b.dim(0) != a.dim(0) || b.dim(1) != a.dim(2)) {
            throw new ShapeException("Expected size for first two dimensions of batch2 tensor to be: [" + a.dim(0)
                    + ", " + a.dim(2) + "] but got: [" + b.dim(0) + ", " + b.dim(1) + "].");
        }
        return Shape.of(a.dim(0), a.dim(1), b.dim(2));
    }

    /** {@code bmm_flop}: {@code 2 * B * M * K * N}. */
    public static long bmmFlops(Shape a, Shape b) {
        return Exact.product(2, a.dim(0), a.dim(1), a.dim(2), b.dim(2));
    }

    /**
     * {@code torch.matmul(a, b)} for operands of rank 2 or more: the batch dims broadcast, the last two multiply.
     *
     * @throws UnsupportedOperationException for a 1-D operand (torch dispatches those to dot/mv, counted differently)
     */
    public static Shape matmul(Shape a, Shape b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new UnsupportedOperationException("matmul of a 1-D operand is not modelled");
        }
        long m = a.dim(a.rank() - 2);
        long k = a.dim(a.rank() - 1);
        long k2 = b.dim(b.rank() - 2);
        long n = b.dim(b.rank() - 1);
        Shape batch = Reshape.broadcast(Shape.of(Arrays.copyOf(a.dims(), a.rank() - 2)),
                Shape.of(Arrays.copyOf(b.dims(), b.rank() - 2)));
        if (k != k2) {
            throw new ShapeException("mat1 and mat2 shapes cannot be multiplied (" + Exact.numel(a) / Math.max(1, k)
                    + "x" + k + " and " + k2 + "x" + n + ")");
        }
        long[] out = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        out[batch.rank()] = m;
        out[batch.rank() + 1] = n;
        return Shape.of(out);
    }

    /** FLOPs of {@link #matmul}: {@code 2 * prod(broadcast batch) * M * K * N}. */
    public static long matmulFlops(Shape a, Shape b) {
        Shape out = matmul(a, b);
        return Exact.product(2, Exact.numel(out), a.dim(a.rank() - 1));
    }
}
