package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import dev.modelsummary.catalog.timm.EfficientNetBuilder.BlockArgs;
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
     * head_bias=True, se_layer, se_from_exp=True, round_chs_fn, global_pool)}.
     */
    MobileNetV3(List<List<BlockArgs>> blockArgs, long numClasses, long inChans, long stemSize, boolean fixStem,
                long numFeatures, boolean headBias, DoubleFunction<EfficientNetBlocks.SeLayer> seLayer,
                LongUnaryOperator roundChsFn, String globalPool) {
        if (!fixStem) {
            stemSize = roundChsFn.applyAsLong(stemSize);
        }
        add("conv_stem", TimmLayers.createConv2d(inChans, stemSize, 3));
        add("bn1", TimmLayers.batchNormAct2d(stemSize));

        EfficientNetBuilder builder = new EfficientNetBuilder(roundChsFn, true, seLayer);
        add("blocks", new Sequential(builder.build(stemSize, blockArgs)));
        long headChs = builder.inChs;

        add("global_pool", Layers.stateless());
        long numPooledChs = Dims.mul(headChs, TimmLayers.poolFeatMult(globalPool));
        add("conv_head", TimmLayers.createConv2d(numPooledChs, numFeatures, 1, 1, headBias));
        add("act2", Layers.stateless());
        add("flatten", Layers.stateless());
        add("classifier", numClasses > 0 ? Layers.linear(numFeatures, numClasses, true) : Layers.stateless());
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
        return new MobileNetV3(blockArgs, kwargs.integer("num_classes"), kwargs.integer("in_chans"), stemSize,
                fixStem, numFeatures, headBias, se, roundChsFn, kwargs.string("global_pool"));
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
                ratio -> chs -> EfficientNetBlocks.squeezeExcite(chs, ratio, EfficientNetBlocks.PYTHON_ROUND);
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
        DoubleFunction<EfficientNetBlocks.SeLayer> se = ratio -> chs -> EfficientNetBlocks.squeezeExcite(chs, ratio,
                v -> TimmLayers.makeDivisible(v * 1.0, 8, null, 0.9)); // round_channels(v): multiplier 1.0
        return create(kwargs, EfficientNetBuilder.decodeArchDef(archDef, 1.0, false), 16, channelMultiplier < 0.75,
                numFeatures, true, se, c -> EfficientNetBuilder.roundChannels(c, channelMultiplier));
    }
}
