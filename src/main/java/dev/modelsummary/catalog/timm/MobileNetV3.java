package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.timm.EfficientNetBuilder.BlockArgs;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.LongUnaryOperator;

/**
 * timm 0.9.7 {@code models/mobilenetv3.py}: the {@code MobileNetV3} class (the "efficient head": pooling before
 * the head conv, no norm after it) and the generators of {@code mobilenetv3_large_100},
 * {@code mobilenetv3_small_050/075/100} ({@code _gen_mobilenet_v3}) and {@code mobilenetv3_rw}
 * ({@code _gen_mobilenet_v3_rw}).
 */
public final class MobileNetV3 extends Module {

    /**
     * {@code MobileNetV3(block_args, num_classes, in_chans, stem_size=16, fix_stem, num_features=1280,
     * head_bias=True, act_layer, se_layer, se_from_exp=True, round_chs_fn, global_pool)}; {@code actLayer} the
     * torch class of {@code act_layer}.
     */
    MobileNetV3(List<List<BlockArgs>> blockArgs, long numClasses, long inChans, long stemSize, boolean fixStem,
                long numFeatures, boolean headBias, DoubleFunction<EfficientNetBlocks.SeLayer> seLayer,
                LongUnaryOperator roundChsFn, String globalPool, String actLayer) {
        if (!fixStem) {
            stemSize = roundChsFn.applyAsLong(stemSize);
        }
        add("conv_stem", TimmLayers.createConv2d(inChans, stemSize, 3, 2, 1, 1, false));
        add("bn1", TimmLayers.batchNormAct2d(stemSize, actLayer));

        EfficientNetBuilder builder = new EfficientNetBuilder(roundChsFn, true, seLayer, actLayer);
        add("blocks", new Sequential(builder.build(stemSize, blockArgs)));
        long headChs = builder.inChs;

        // SelectAdaptivePool2d(pool_type=global_pool): flatten=False, the head conv runs on (N, C, 1, 1)
        add("global_pool", new TimmLayers.SelectAdaptivePool2d(globalPool, false));
        long numPooledChs = Dims.mul(headChs, TimmLayers.poolFeatMult(globalPool));
        add("conv_head", TimmLayers.createConv2d(numPooledChs, numFeatures, 1, 1, 1, 1, headBias));
        add("act2", Layers.activation(actLayer));
        // don't flatten if pooling disabled
        add("flatten", globalPool.isEmpty() ? Layers.activation("Identity") : Layers.flatten(1));
        add("classifier", numClasses > 0 ? Layers.linear(numFeatures, numClasses, true)
                : Layers.activation("Identity"));
    }

    /** {@code forward}: {@code forward_features} then {@code forward_head}. */
    @Override
    public Shape forward(Trace t, Shape x) {
        return forwardHead(t, forwardFeatures(t, x));
    }

    /** {@code forward_features}: stem conv and norm, the blocks. */
    Shape forwardFeatures(Trace t, Shape x) {
        x = call(t, "conv_stem", x);
        x = call(t, "bn1", x);
        return call(t, "blocks", x);
    }

    /**
     * {@code forward_head}: the "efficient head": global_pool, conv_head, act2, flatten, the functional dropout
     * (no call), classifier.
     */
    Shape forwardHead(Trace t, Shape x) {
        x = call(t, "global_pool", x);
        x = call(t, "conv_head", x);
        x = call(t, "act2", x);
        x = call(t, "flatten", x);
        return call(t, "classifier", x);
    }

    static List<Builder> builders() {
        List<Builder> builders = new ArrayList<>();
        builders.add(Timm.builder("mobilenetv3_large_100", kw -> genMobilenetV3(kw, "mobilenetv3_large_100", 1.0)));
        builders.add(Timm.builder("mobilenetv3_rw", kw -> genMobilenetV3Rw(kw, 1.0)));
        builders.add(Timm.builder("mobilenetv3_small_050", kw -> genMobilenetV3(kw, "mobilenetv3_small_050", 0.5)));
        builders.add(Timm.builder("mobilenetv3_small_075",
                kw -> genMobilenetV3(kw, "mobilenetv3_small_075", 0.75)));
        builders.add(Timm.builder("mobilenetv3_small_100", kw -> genMobilenetV3(kw, "mobilenetv3_small_100", 1.0)));
        return builders;
    }

    /** {@code _create_mnv3}: the model class with the generator's and the caller's keyword arguments. */
    private static Module create(Kwargs kwargs, List<List<BlockArgs>> blockArgs, long stemSize, boolean fixStem,
                                 long numFeatures, boolean headBias, DoubleFunction<EfficientNetBlocks.SeLayer> se,
                                 LongUnaryOperator roundChsFn) {
        // act_layer: resolve_act_layer(kwargs, 'hard_swish') in both generators (the minimal variants are not built)
        return new MobileNetV3(blockArgs, kwargs.integer("num_classes"), kwargs.integer("in_chans"), stemSize,
                fixStem, numFeatures, headBias, se, roundChsFn, kwargs.string("global_pool"), "Hardswish");
    }

    /**
     * {@code _gen_mobilenet_v3_rw(variant, channel_multiplier)}: {@code se_layer=partial(SqueezeExcite,
     * gate_layer='hard_sigmoid')}, reduced channels by Python's {@code round}; no head bias.
     */
    private static Module genMobilenetV3Rw(Kwargs kwargs, double channelMultiplier) {
        String[][] archDef = {
            {"ds_r1_k3_s1_e1_c16_nre_noskip"},
            {"ir_r1_k3_s2_e4_c24_nre", "ir_r1_k3_s1_e3_c24_nre"},
            {"ir_r3_k5_s2_e3_c40_se0.25_nre"},
            {"ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"},
            {"ir_r2_k3_s1_e6_c112_se0.25"},
            {"ir_r3_k5_s2_e6_c160_se0.25"},
            {"cn_r1_k1_s1_c960"},
        };
        DoubleFunction<EfficientNetBlocks.SeLayer> se =
                ratio -> chs -> new EfficientNetBlocks.SqueezeExcite(chs, ratio, EfficientNetBlocks.PYTHON_ROUND,
                        "Hardsigmoid", null);
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, 1.0, false), 16, false, 1280, false, se,
                c -> EfficientNetBuilder.roundChannels(c, channelMultiplier));
    }

    /**
     * {@code _gen_mobilenet_v3(variant, channel_multiplier)}: small or large by the variant's name (the minimal
     * variants are not built here); {@code se_layer=partial(SqueezeExcite, gate_layer='hard_sigmoid',
     * force_act_layer=nn.ReLU, rd_round_fn=round_channels)}.
     */
    private static Module genMobilenetV3(Kwargs kwargs, String variant, double channelMultiplier) {
        long numFeatures;
        String[][] archDef;
        if (variant.contains("small")) {
            numFeatures = 1024;
            archDef = new String[][] {
                {"ds_r1_k3_s2_e1_c16_se0.25_nre"},
                {"ir_r1_k3_s2_e4.5_c24_nre", "ir_r1_k3_s1_e3.67_c24_nre"},
                {"ir_r1_k5_s2_e4_c40_se0.25", "ir_r2_k5_s1_e6_c40_se0.25"},
                {"ir_r2_k5_s1_e3_c48_se0.25"},
                {"ir_r3_k5_s2_e6_c96_se0.25"},
                {"cn_r1_k1_s1_c576"},
            };
        } else {
            numFeatures = 1280;
            archDef = new String[][] {
                {"ds_r1_k3_s1_e1_c16_nre"},
                {"ir_r1_k3_s2_e4_c24_nre", "ir_r1_k3_s1_e3_c24_nre"},
                {"ir_r3_k5_s2_e3_c40_se0.25_nre"},
                {"ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"},
                {"ir_r2_k3_s1_e6_c112_se0.25"},
                {"ir_r3_k5_s2_e6_c160_se0.25"},
                {"cn_r1_k1_s1_c960"},
            };
        }
        DoubleFunction<EfficientNetBlocks.SeLayer> se = ratio -> chs -> new EfficientNetBlocks.SqueezeExcite(chs,
                ratio, v -> TimmLayers.makeDivisible(v * 1.0, 8, null, 0.9), // round_channels(v): multiplier 1.0
                "Hardsigmoid", "ReLU"); // gate_layer='hard_sigmoid', force_act_layer=nn.ReLU
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, 1.0, false), 16, channelMultiplier < 0.75,
                numFeatures, true, se, c -> EfficientNetBuilder.roundChannels(c, channelMultiplier));
    }
}
