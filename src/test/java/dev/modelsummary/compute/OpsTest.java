package dev.modelsummary.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.model.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The op size rules against torch's documented formulas; each expected value was computed by hand and checked
 * with torch's F.conv2d/conv3d/max_pool2d/avg_pool2d on zeros.
 */
class OpsTest {
    private static final long[] ONE = {1};
    private static final long[] ZERO = {0};

    @Test
    void convOutputIsFloorOfPaddedMinusDilatedKernelOverStride() {
        // floor((224 + 6 - 6 - 1) / 2) + 1 = 112
        assertThat(Conv.output(Shape.of(1, 3, 224, 224), 64, 3, 1, new long[] {7, 7}, new long[] {2},
                new long[] {3}, ONE)).isEqualTo(Shape.of(1, 64, 112, 112));
        // dilation 2: floor((10 + 2 - 4 - 1) / 1) + 1 = 8
        assertThat(Conv.output(Shape.of(1, 1, 10, 10), 1, 1, 1, new long[] {3, 3}, ONE, ONE, new long[] {2}))
                .isEqualTo(Shape.of(1, 1, 8, 8));
        // 'same' keeps the size, even kernel included
        assertThat(Conv.output(Shape.of(1, 1, 10, 9), 1, 1, 1, new long[] {4, 4}, ONE, Conv.SAME, ONE))
                .isEqualTo(Shape.of(1, 1, 10, 9));
        // conv3d with per-dim stride and padding
        assertThat(Conv.output(Shape.of(1, 3, 16, 112, 112), 4, 3, 1, new long[] {3, 7, 7}, new long[] {1, 2, 2},
                new long[] {1, 3, 3}, ONE)).isEqualTo(Shape.of(1, 4, 16, 56, 56));
        // unbatched input stays unbatched
        assertThat(Conv.output(Shape.of(3, 8, 8), 5, 3, 1, new long[] {3, 3}, ONE, ZERO, ONE))
                .isEqualTo(Shape.of(5, 6, 6));
    }

    @Test
    void convFlopsCountInputChannelsPerGroupAndNoBias() {
        // 2 * 56*56 * 64 * 64 * 9: BasicBlock's 3x3 at layer1
        assertThat(Conv.flops(Shape.of(1, 64, 56, 56), 64, new long[] {3, 3})).isEqualTo(231_211_008L);
        // depthwise, 32 groups of one channel: 2 * 112*112 * 32 * 1 * 9
        Shape dw = Conv.output(Shape.of(1, 32, 112, 112), 32, 1, 32, new long[] {3, 3}, ONE, ONE, ONE);
        assertThat(dw).isEqualTo(Shape.of(1, 32, 112, 112));
        assertThat(Conv.flops(dw, 1, new long[] {3, 3})).isEqualTo(7_225_344L);
        assertThat(Conv.flops(Shape.of(4, 8, 10), 2, new long[] {3})).isEqualTo(2L * 4 * 10 * 8 * 2 * 3);
    }

    @Test
    void convRefusesAKernelLargerThanThePaddedInput() {
        assertThatThrownBy(() -> Conv.output(Shape.of(1, 3, 2, 2), 8, 3, 1, new long[] {3, 3}, ONE, ZERO, ONE))
                .isInstanceOf(ShapeException.class)
                .hasMessage("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size"
                        + " can't be greater than actual input size");
        assertThatThrownBy(() -> Conv.output(Shape.of(1, 1, 8, 8), 1, 1, 1, new long[] {3, 3}, new long[] {2},
                Conv.SAME, ONE)).hasMessage("padding='same' is not supported for strided convolutions");
    }

    @Test
    void poolCeilModeDropsAWindowStartingInTheRightPadding() {
        assertThat(Pool.outputSize(6, 3, 0, 2, 1, false)).isEqualTo(2);
        assertThat(Pool.outputSize(6, 3, 0, 2, 1, true)).isEqualTo(3);
        // ceil gives floor((5 + 2 - 1 - 1 + 1) / 2) + 1 = 4, but window 4 would start at 6 >= 5 + 1: 3
        assertThat(Pool.outputSize(5, 2, 1, 2, 1, true)).isEqualTo(3);
        assertThat(Pool.outputSize(5, 2, 1, 2, 1, false)).isEqualTo(3);
        // no padding: the last window must start inside the input, 2 * 2 >= 4
        assertThat(Pool.outputSize(4, 1, 0, 2, 1, true)).isEqualTo(2);
        assertThat(Pool.outputSize(7, 3, 1, 2, 1, true)).isEqualTo(4);
        assertThat(Pool.outputSize(112, 3, 1, 2, 1, false)).isEqualTo(56);
        assertThat(Pool.output(Shape.of(1, 1, 5, 5), new long[] {2, 2}, new long[] {2}, ONE, ONE, true))
                .isEqualTo(Shape.of(1, 1, 3, 3));
        // stride None is the kernel
        assertThat(Pool.output(Shape.of(2, 7, 7), new long[] {2, 2}, new long[0], ZERO, ONE, false))
                .isEqualTo(Shape.of(2, 3, 3));
    }

    @Test
    void poolRefusalsInTorchsWords() {
        assertThatThrownBy(() -> Pool.output(Shape.of(1, 64, 1, 1), new long[] {3, 3}, ONE, ZERO, ONE, false))
                .isInstanceOf(ShapeException.class)
                .hasMessage("Given input size: (64x1x1). Calculated output size: (64x-1x-1). Output size is too"
                        + " small");
        assertThatThrownBy(() -> Pool.output(Shape.of(1, 1, 5, 5), new long[] {3, 3}, new long[] {2},
                new long[] {2}, ONE, false))
                .hasMessage("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and"
                        + " dilation=1");
    }

    @Test
    void adaptiveLinearFlattenCatBroadcast() {
        assertThat(Pool.adaptive(Shape.of(8, 512, 7, 7), 1, 1)).isEqualTo(Shape.of(8, 512, 1, 1));
        assertThat(Pool.adaptive(Shape.of(8, 512, 7, 7), 3, -1)).isEqualTo(Shape.of(8, 512, 3, 7));
        assertThat(Linear.output(Shape.of(2, 5, 768), 768, 3072)).isEqualTo(Shape.of(2, 5, 3072));
        assertThat(Linear.flops(Shape.of(2, 5, 768), 3072)).isEqualTo(2L * 10 * 768 * 3072);
        assertThatThrownBy(() -> Linear.output(Shape.of(1, 2048), 512, 1000))
                .hasMessage("mat1 and mat2 shapes cannot be multiplied (1x2048 and 512x1000)");
        assertThat(Reshape.flatten(Shape.of(8, 512, 1, 1), 1, -1)).isEqualTo(Shape.of(8, 512));
        assertThat(Reshape.cat(List.of(Shape.of(1, 64, 7, 7), Shape.of(1, 32, 7, 7)), 1))
                .isEqualTo(Shape.of(1, 96, 7, 7));
        assertThat(Reshape.broadcast(Shape.of(4, 1, 3), Shape.of(5, 1))).isEqualTo(Shape.of(4, 5, 3));
        assertThatThrownBy(() -> Reshape.broadcast(Shape.of(1, 64, 56, 56), Shape.of(1, 64, 28, 28)))
                .hasMessage("The size of tensor a (56) must match the size of tensor b (28) at non-singleton"
                        + " dimension 2");
    }

    @Test
    void overflowIsRefusedNotWrapped() {
        assertThatThrownBy(() -> Exact.product(1L << 40, 1L << 30))
                .isInstanceOf(ComputeOverflowException.class);
        Trace t = new Trace();
        t.enter("", "Root", 0, true, List.of(Shape.of(1)));
        t.flops(Long.MAX_VALUE);
        assertThatThrownBy(() -> t.flops(1)).isInstanceOf(ComputeOverflowException.class);
    }

    /** {@code x.view(-1, cols)}: the rows, or torch's two refusals (a 0 column count, a count that does not divide). */
    @Test
    void viewRowsFollowsTorch() {
        assertThat(Reshape.viewRows(12, 4)).isEqualTo(3);
        assertThat(Reshape.viewRows(0, 4)).isZero();
        assertThatThrownBy(() -> Reshape.viewRows(12, 5)).isInstanceOf(ShapeException.class)
                .hasMessage("shape '[-1, 5]' is invalid for input of size 12");
        assertThatThrownBy(() -> Reshape.viewRows(12, 0)).isInstanceOf(ShapeException.class)
                .hasMessage("cannot reshape tensor of 12 elements into shape [-1, 0] because the unspecified "
                        + "dimension size -1 can be any value and is ambiguous");
    }
}
