package dev.modelsummary.catalog.torchvision;

import static dev.modelsummary.catalog.nn.Layers.conv2d;
import static dev.modelsummary.catalog.nn.Layers.linear;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.torchvision.ops.Misc;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * torchvision {@code models/regnet.py} (0.14.1): the fifteen RegNet builders, RegNetY (with squeeze-excitation)
 * and RegNetX (without).
 *
 * <p>Each builder passes its {@code **kwargs} both to {@code BlockParams.from_init_params} (which swallows
 * unknown ones) and to {@code RegNet}. So a user can pass only what {@code RegNet.__init__} takes as well:
 * {@code num_classes} and {@code stem_width} (the rest are callables). {@code se_ratio},
 * {@code bottleneck_multiplier}, {@code depth} ... fail in torchvision with a TypeError (a duplicate keyword
 * for BlockParams or an unexpected one for RegNet), so they are not declared.
 */
public final class RegNet extends Module {
    private static final double SE_RATIO = 0.25;
    private static final String V1 = "IMAGENET1K_V1";
    private static final String V2 = "IMAGENET1K_V2";
    private static final String SWAG_E2E = "IMAGENET1K_SWAG_E2E_V1";
    private static final String SWAG_LINEAR = "IMAGENET1K_SWAG_LINEAR_V1";

    /** The public builders: each one's {@code from_init_params} settings and weights enum. */
    public static List<Builder> builders() {
        return List.of(
                builder("regnet_y_400mf", new InitParams(16, 48, 27.89, 2.09, 8, SE_RATIO),
                        weights("RegNet_Y_400MF_Weights", V2, V1, V2)),
                builder("regnet_y_800mf", new InitParams(14, 56, 38.84, 2.4, 16, SE_RATIO),
                        weights("RegNet_Y_800MF_Weights", V2, V1, V2)),
                builder("regnet_y_1_6gf", new InitParams(27, 48, 20.71, 2.65, 24, SE_RATIO),
                        weights("RegNet_Y_1_6GF_Weights", V2, V1, V2)),
                builder("regnet_y_3_2gf", new InitParams(21, 80, 42.63, 2.66, 24, SE_RATIO),
                        weights("RegNet_Y_3_2GF_Weights", V2, V1, V2)),
                builder("regnet_y_8gf", new InitParams(17, 192, 76.82, 2.19, 56, SE_RATIO),
                        weights("RegNet_Y_8GF_Weights", V2, V1, V2)),
                builder("regnet_y_16gf", new InitParams(18, 200, 106.23, 2.48, 112, SE_RATIO),
                        weights("RegNet_Y_16GF_Weights", V2, V1, V2, SWAG_E2E, SWAG_LINEAR)),
                builder("regnet_y_32gf", new InitParams(20, 232, 115.89, 2.53, 232, SE_RATIO),
                        weights("RegNet_Y_32GF_Weights", V2, V1, V2, SWAG_E2E, SWAG_LINEAR)),
                builder("regnet_y_128gf", new InitParams(27, 456, 160.83, 2.52, 264, SE_RATIO),
                        weights("RegNet_Y_128GF_Weights", SWAG_E2E, SWAG_E2E, SWAG_LINEAR)),
                builder("regnet_x_400mf", new InitParams(22, 24, 24.48, 2.54, 16, null),
                        weights("RegNet_X_400MF_Weights", V2, V1, V2)),
                builder("regnet_x_800mf", new InitParams(16, 56, 35.73, 2.28, 16, null),
                        weights("RegNet_X_800MF_Weights", V2, V1, V2)),
                builder("regnet_x_1_6gf", new InitParams(18, 80, 34.01, 2.25, 24, null),
                        weights("RegNet_X_1_6GF_Weights", V2, V1, V2)),
                builder("regnet_x_3_2gf", new InitParams(25, 88, 26.31, 2.25, 48, null),
                        weights("RegNet_X_3_2GF_Weights", V2, V1, V2)),
                builder("regnet_x_8gf", new InitParams(23, 80, 49.56, 2.88, 120, null),
                        weights("RegNet_X_8GF_Weights", V2, V1, V2)),
                builder("regnet_x_16gf", new InitParams(22, 216, 55.59, 2.1, 128, null),
                        weights("RegNet_X_16GF_Weights", V2, V1, V2)),
                builder("regnet_x_32gf", new InitParams(23, 320, 69.86, 2.0, 168, null),
                        weights("RegNet_X_32GF_Weights", V2, V1, V2)));
    }

    /**
     * A RegNet weights enum: ImageNet categories, {@code min_size} (1, 1) for every member; the SWAG end-to-end
     * weights crop 384, the others 224.
     */
    private static Weights weights(String className, String defaultName, String... members) {
        Weights weights = Weights.of(className, Args.IMAGENET, 1, defaultName, members);
        return java.util.Arrays.asList(members).contains(SWAG_E2E) ? weights.withCropSize(SWAG_E2E, 384) : weights;
    }

    private static Builder builder(String name, InitParams init, Weights weights) {
        List<Arg> args = List.of(
                Args.weights(weights),
                Args.progress(),
                Args.numClasses(1000),
                Arg.integer("stem_width", 32, "width of the stem convolution"));
        return Builder.of(name, Task.IMAGE_CLASSIFICATION, args, kwargs -> regnet(init, kwargs));
    }

    /** {@code _regnet}: weights fix num_classes; then the model with BatchNorm2d. */
    private static Module regnet(InitParams init, Kwargs kwargs) {
        BlockParams blockParams = BlockParams.fromInitParams(init);
        kwargs.weights("weights").ifPresent(w -> kwargs.overwrite("num_classes", w.categories()));
        return new RegNet(blockParams, kwargs.integer("num_classes"), kwargs.integer("stem_width"));
    }

    /**
     * The arguments a builder gives {@code BlockParams.from_init_params(depth, w_0, w_a, w_m, group_width,
     * se_ratio=...)}; {@code bottleneck_multiplier} stays at its default 1.0.
     *
     * @param seRatio null for RegNetX ({@code se_ratio=None})
     */
    record InitParams(int depth, long w0, double wA, double wM, long groupWidth, Double seRatio) {
    }

    /** One stage of {@code BlockParams}: width, stride, depth, group width, bottleneck multiplier. */
    record StageParams(long width, long stride, long depth, long groupWidth, double bottleneckMultiplier) {
    }

    /** {@code BlockParams}: the per-stage settings ({@code _get_expanded_params}) and the shared se_ratio. */
    record BlockParams(List<StageParams> stages, Double seRatio) {
        private static final int QUANT = 8;
        private static final long STRIDE = 2;
        private static final double BOTTLENECK_MULTIPLIER = 1.0;

        /**
         * {@code BlockParams.from_init_params}. The block widths are computed by torch on float32 tensors
         * ({@code torch.arange(depth) * w_a + w_0} is float32: Python floats are cast to the tensor's dtype),
         * so this computes in {@code float}, rounding half to even as {@code torch.round} does.
         */
        static BlockParams fromInitParams(InitParams p) {
            if (p.wA() < 0 || p.w0() <= 0 || p.wM() <= 1 || p.w0() % 8 != 0) {
                throw new IllegalArgumentException("Invalid RegNet settings");
            }
            List<Long> blockWidths = blockWidths(p);
            int numStages = new LinkedHashSet<>(blockWidths).size();

            // A new stage starts wherever the block width changes (the list is padded with 0 at both ends,
            // so the first block and the end both count as changes).
            List<Long> stageWidths = new ArrayList<>();
            List<Integer> splitPoints = new ArrayList<>();
            for (int i = 0; i <= blockWidths.size(); i++) {
                long w = i < blockWidths.size() ? blockWidths.get(i) : 0;
                long previous = i > 0 ? blockWidths.get(i - 1) : 0;
                if (w != previous) {
                    splitPoints.add(i);
                    if (i < blockWidths.size()) {
                        stageWidths.add(w);
                    }
                }
            }
            List<Long> stageDepths = new ArrayList<>();
            for (int i = 1; i < splitPoints.size(); i++) {
                stageDepths.add((long) (splitPoints.get(i) - splitPoints.get(i - 1)));
            }

            // Python zips the per-stage lists, so the shortest one sets the number of stages.
            int stageCount = Math.min(numStages, Math.min(stageWidths.size(), stageDepths.size()));
            List<StageParams> stages = new ArrayList<>();
            for (int i = 0; i < stageCount; i++) {
                // _adjust_widths_groups_compatibilty, stage by stage.
                long widthBottleneck = Dims.trunc(stageWidths.get(i) * BOTTLENECK_MULTIPLIER);
                long groupWidthMin = Math.min(p.groupWidth(), widthBottleneck);
                long adjustedBottleneck = ModelUtils.makeDivisible(widthBottleneck, groupWidthMin);
                long stageWidth = Dims.trunc(adjustedBottleneck / BOTTLENECK_MULTIPLIER);
                stages.add(new StageParams(stageWidth, STRIDE, stageDepths.get(i), groupWidthMin,
                        BOTTLENECK_MULTIPLIER));
            }
            return new BlockParams(stages, p.seRatio());
        }

        /**
         * The quantized block widths: {@code round(w_0 * w_m ** round(log(widths_cont / w_0) / log(w_m)) / 8) * 8}
         * per block, in float32 as torch computes them.
         */
        private static List<Long> blockWidths(InitParams p) {
            float wA = (float) p.wA();
            float w0 = (float) p.w0();
            float wM = (float) p.wM();
            float logWm = (float) Math.log(p.wM());
            List<Long> widths = new ArrayList<>();
            for (int i = 0; i < p.depth(); i++) {
                float widthCont = (float) i * wA + w0;
                float capacity = (float) Math.rint((float) Math.log(widthCont / w0) / logWm);
                float width = w0 * (float) Math.pow(wM, capacity);
                widths.add((long) ((float) Math.rint(width / QUANT) * QUANT));
            }
            return widths;
        }
    }

    /**
     * {@code RegNet(block_params, num_classes, stem_width)} with the default SimpleStemIN, ResBottleneckBlock,
     * BatchNorm2d and ReLU: {@code stem}, {@code trunk_output} (stages {@code block1}, {@code block2}, ...),
     * {@code avgpool}, {@code fc}.
     */
    RegNet(BlockParams blockParams, long numClasses, long stemWidth) {
        // SimpleStemIN: Conv2dNormActivation(3, stem_width, kernel_size=3, stride=2) with BN and ReLU.
        add("stem", new SimpleStemIN(conv2d(3, stemWidth, 3, 3, 1, false).stride(2).padding(1),
                Layers.batchNorm2d(stemWidth), Layers.relu()));
        long currentWidth = stemWidth;
        Sequential trunk = new Sequential();
        List<StageParams> stages = blockParams.stages();
        for (int i = 0; i < stages.size(); i++) {
            StageParams stage = stages.get(i);
            trunk.add("block" + (i + 1), anyStage(currentWidth, stage, blockParams.seRatio(), i + 1));
            currentWidth = stage.width();
        }
        add("trunk_output", trunk);
        add("avgpool", Layers.adaptiveAvgPool2d(1, 1));
        add("fc", linear(currentWidth, numClasses));
    }

    /** {@code forward}: stem, trunk_output, avgpool, {@code x.flatten(start_dim=1)}, fc. */
    @Override
    public Shape forward(Trace t, Shape x) {
        Shape y = call(t, "avgpool", call(t, "trunk_output", call(t, "stem", x)));
        return call(t, "fc", Reshape.flatten(y, 1, -1));
    }

    /** {@code SimpleStemIN}: a Conv2dNormActivation (3x3 stride 2) under its own class name. */
    static final class SimpleStemIN extends Sequential {
        SimpleStemIN(Module... layers) {
            super(layers);
        }
    }

    /** {@code AnyStage}: a Sequential of ResBottleneckBlocks. */
    static final class AnyStage extends Sequential {
    }

    /** {@code BottleneckTransform}: a Sequential with named layers. */
    static final class BottleneckTransform extends Sequential {
    }

    /** {@code AnyStage}: blocks named {@code block<stage>-<i>}; only the first changes width and stride. */
    private static Sequential anyStage(long widthIn, StageParams stage, Double seRatio, int stageIndex) {
        Sequential blocks = new AnyStage();
        for (int i = 0; i < stage.depth(); i++) {
            blocks.add("block" + stageIndex + "-" + i, new ResBottleneckBlock(i == 0 ? widthIn : stage.width(),
                    stage.width(), i == 0 ? stage.stride() : 1, stage.groupWidth(), stage.bottleneckMultiplier(),
                    seRatio));
        }
        return blocks;
    }

    /**
     * {@code ResBottleneckBlock}: a projection ({@code proj}: 1x1 conv and BN, no activation) only when the width
     * or stride changes ({@code self.proj = None} otherwise registers nothing), then {@code f}, then the ReLU.
     */
    private static final class ResBottleneckBlock extends Module {
        ResBottleneckBlock(long widthIn, long widthOut, long stride, long groupWidth, double bottleneckMultiplier,
                           Double seRatio) {
            if (widthIn != widthOut || stride != 1) {
                add("proj", Misc.conv2dNormActivation(widthIn, widthOut, 1, stride, 1, Layers::batchNorm2d, null, 1));
            }
            add("f", bottleneckTransform(widthIn, widthOut, stride, groupWidth, bottleneckMultiplier, seRatio));
            add("activation", Layers.relu());
        }

        /** {@code proj(x) + f(x)} (or {@code x + f(x)}), then the activation. */
        @Override
        public Shape forward(Trace t, Shape x) {
            Shape y = childrenWithEmptyPlaces().get("proj") != null
                    ? Reshape.broadcast(call(t, "proj", x), call(t, "f", x))
                    : Reshape.broadcast(x, call(t, "f", x));
            return call(t, "activation", y);
        }
    }

    /**
     * {@code BottleneckTransform}: a Sequential with named layers {@code a} (1x1), {@code b} (grouped 3x3 with the
     * stride), {@code se} (only when se_ratio is truthy) and {@code c} (1x1, no activation).
     */
    private static Sequential bottleneckTransform(long widthIn, long widthOut, long stride, long groupWidth,
                                                  double bottleneckMultiplier, Double seRatio) {
        long wB = Dims.round(widthOut * bottleneckMultiplier);
        long g = Math.floorDiv(wB, groupWidth);
        Sequential layers = new BottleneckTransform();
        layers.add("a", Misc.conv2dNormActivation(widthIn, wB, 1, 1, 1, Layers::batchNorm2d, Layers::relu, 1));
        layers.add("b", Misc.conv2dNormActivation(wB, wB, 3, stride, g, Layers::batchNorm2d, Layers::relu, 1));
        if (seRatio != null && seRatio != 0) {
            // The SE reduction ratio is defined with respect to the block's input width.
            long widthSeOut = Dims.round(seRatio * widthIn);
            layers.add("se", Misc.squeezeExcitation(wB, widthSeOut, Layers::relu, Layers::sigmoid));
        }
        layers.add("c", Misc.conv2dNormActivation(wB, widthOut, 1, 1, 1, Layers::batchNorm2d, null, 1));
        return layers;
    }
}
