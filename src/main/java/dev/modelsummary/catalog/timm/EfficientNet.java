package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.timm.EfficientNetBuilder.BlockArgs;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * timm 0.9.7 {@code models/efficientnet.py}: the {@code EfficientNet} class and the generators of the models
 * built here: {@code efficientnet_b0} .. {@code b5} ({@code _gen_efficientnet}), {@code efficientnetv2_rw_t}
 * ({@code _gen_efficientnetv2_s}) and the {@code mobilenetv2_*} models ({@code _gen_mobilenet_v2}).
 */
public final class EfficientNet extends Module {

    /**
     * {@code EfficientNet(block_args, num_classes, num_features, in_chans, stem_size, fix_stem, round_chs_fn,
     * se_layer=SqueezeExcite, global_pool)}: stem, the builder's stages, head conv and norm, classifier.
     */
    EfficientNet(List<List<BlockArgs>> blockArgs, long numClasses, long numFeatures, long inChans, long stemSize,
                 boolean fixStem, LongUnaryOperator roundChsFn, String globalPool, String actLayer) {
        if (!fixStem) {
            stemSize = roundChsFn.applyAsLong(stemSize);
        }
        add("conv_stem", TimmLayers.createConv2d(inChans, stemSize, 3, 2, 1, 1, false));
        add("bn1", TimmLayers.batchNormAct2d(stemSize, actLayer));

        // se_layer = SqueezeExcite, rd_round_fn = round; the builder divides the ratio by the expansion
        EfficientNetBuilder builder = new EfficientNetBuilder(roundChsFn, false,
                ratio -> chs -> EfficientNetBlocks.squeezeExcite(chs, ratio, EfficientNetBlocks.PYTHON_ROUND),
                actLayer);
        add("blocks", new Sequential(builder.build(stemSize, blockArgs)));
        long headChs = builder.inChs;

        add("conv_head", TimmLayers.createConv2d(headChs, numFeatures, 1, 1, 1, 1, false));
        add("bn2", TimmLayers.batchNormAct2d(numFeatures, actLayer));
        Module classifier = TimmLayers.createClassifier(numFeatures, numClasses, globalPool);
        add("global_pool", new TimmLayers.SelectAdaptivePool2d(globalPool, !globalPool.isEmpty())); // _create_pool
        add("classifier", classifier);
    }

    /** {@code forward}: {@code forward_features} then {@code forward_head}. */
    @Override
    public Shape forward(Trace t, Shape x) {
        return forwardHead(t, forwardFeatures(t, x));
    }

    /** {@code forward_features}: stem conv and norm, the blocks, head conv and norm. */
    Shape forwardFeatures(Trace t, Shape x) {
        x = call(t, "conv_stem", x);
        x = call(t, "bn1", x);
        x = call(t, "blocks", x);
        x = call(t, "conv_head", x);
        return call(t, "bn2", x);
    }

    /** {@code forward_head}: global_pool, the functional dropout (no call, no FLOPs), classifier. */
    Shape forwardHead(Trace t, Shape x) {
        x = call(t, "global_pool", x);
        return call(t, "classifier", x);
    }

    static List<Builder> builders() {
        List<Builder> builders = new ArrayList<>();
        double[][] b = {{1.0, 1.0}, {1.0, 1.1}, {1.1, 1.2}, {1.2, 1.4}, {1.4, 1.8}, {1.6, 2.2}};
        // pretrained_cfg["input_size"] of each one's default tag (b5: sw_in12k_ft_in1k); the others take 224
        long[] inputSize = {224, 224, 256, 288, 320, 448};
        for (int i = 0; i < b.length; i++) {
            double channel = b[i][0];
            double depth = b[i][1];
            builders.add(Timm.builder("efficientnet_b" + i, kw -> genEfficientnet(kw, channel, depth))
                    .withInput(Timm.input(inputSize[i])));
        }
        builders.add(Timm.builder("efficientnetv2_rw_t", kw -> genEfficientnetv2S(kw, 0.8, 0.9, false)));
        builders.add(Timm.builder("mobilenetv2_050", kw -> genMobilenetV2(kw, 0.5, 1.0, false)));
        builders.add(Timm.builder("mobilenetv2_100", kw -> genMobilenetV2(kw, 1.0, 1.0, false)));
        builders.add(Timm.builder("mobilenetv2_110d", kw -> genMobilenetV2(kw, 1.1, 1.2, true)));
        builders.add(Timm.builder("mobilenetv2_120d", kw -> genMobilenetV2(kw, 1.2, 1.4, true)));
        builders.add(Timm.builder("mobilenetv2_140", kw -> genMobilenetV2(kw, 1.4, 1.0, false)));
        return builders;
    }

    /** {@code _create_effnet}: the model class with the generator's and the caller's keyword arguments. */
    private static Module create(Kwargs kwargs, List<List<BlockArgs>> blockArgs, long numFeatures, long stemSize,
                                 boolean fixStem, LongUnaryOperator roundChsFn, String actLayer) {
        return new EfficientNet(blockArgs, kwargs.integer("num_classes"), numFeatures, kwargs.integer("in_chans"),
                stemSize, fixStem, roundChsFn, kwargs.string("global_pool"), actLayer);
    }

    /** {@code _gen_mobilenet_v2(variant, channel_multiplier, depth_multiplier, fix_stem_head)}. */
    private static Module genMobilenetV2(Kwargs kwargs, double channelMultiplier, double depthMultiplier,
                                         boolean fixStemHead) {
        String[][] archDef = {
            {"ds_r1_k3_s1_c16"},
            {"ir_r2_k3_s2_e6_c24"},
            {"ir_r3_k3_s2_e6_c32"},
            {"ir_r4_k3_s2_e6_c64"},
            {"ir_r3_k3_s1_e6_c96"},
            {"ir_r3_k3_s2_e6_c160"},
            {"ir_r1_k3_s1_e6_c320"},
        };
        LongUnaryOperator roundChsFn = c -> EfficientNetBuilder.roundChannels(c, channelMultiplier);
        long numFeatures = fixStemHead ? 1280 : Math.max(1280, roundChsFn.applyAsLong(1280));
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, depthMultiplier, fixStemHead),
                numFeatures, 32, fixStemHead, roundChsFn, "ReLU6"); // act_layer relu6
    }

    /** {@code _gen_efficientnet(variant, channel_multiplier, depth_multiplier, channel_divisor=8)}. */
    private static Module genEfficientnet(Kwargs kwargs, double channelMultiplier, double depthMultiplier) {
        String[][] archDef = {
            {"ds_r1_k3_s1_e1_c16_se0.25"},
            {"ir_r2_k3_s2_e6_c24_se0.25"},
            {"ir_r2_k5_s2_e6_c40_se0.25"},
            {"ir_r3_k3_s2_e6_c80_se0.25"},
            {"ir_r3_k5_s1_e6_c112_se0.25"},
            {"ir_r4_k5_s2_e6_c192_se0.25"},
            {"ir_r1_k3_s1_e6_c320_se0.25"},
        };
        LongUnaryOperator roundChsFn = c -> EfficientNetBuilder.roundChannels(c, channelMultiplier, 8, 0.9);
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, depthMultiplier, false),
                roundChsFn.applyAsLong(1280), 32, false, roundChsFn, "SiLU"); // swish
    }

    /** {@code _gen_efficientnetv2_s(variant, channel_multiplier, depth_multiplier, rw)}. */
    private static Module genEfficientnetv2S(Kwargs kwargs, double channelMultiplier, double depthMultiplier,
                                            boolean rw) {
        String[][] archDef = {
            {"cn_r2_k3_s1_e1_c24_skip"},
            {"er_r4_k3_s2_e4_c48"},
            {"er_r4_k3_s2_e4_c64"},
            {"ir_r6_k3_s2_e4_c128_se0.25"},
            {"ir_r9_k3_s1_e6_c160_se0.25"},
            {"ir_r15_k3_s2_e6_c256_se0.25"},
        };
        long numFeatures = 1280;
        if (rw) {
            // the original variant, based on the paper's figure, differs from the official release
            archDef[0] = new String[] {"er_r2_k3_s1_e1_c24"};
            archDef[archDef.length - 1] = new String[] {"ir_r15_k3_s2_e6_c272_se0.25"};
            numFeatures = 1792;
        }
        LongUnaryOperator roundChsFn = c -> EfficientNetBuilder.roundChannels(c, channelMultiplier);
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, depthMultiplier, false),
                roundChsFn.applyAsLong(numFeatures), 24, false, roundChsFn, "SiLU"); // silu
    }
}
