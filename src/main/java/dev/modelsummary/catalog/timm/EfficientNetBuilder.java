package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.catalog.nn.Sequential;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm 0.9.7 {@code models/_efficientnet_builder.py}: block strings ({@code ir_r2_k3_s2_e6_c24_se0.25}) decoded
 * to block arguments, per-stage depth scaling, {@code round_channels}, and {@code EfficientNetBuilder}, which
 * turns the decoded stages into {@code nn.Sequential} stages of blocks.
 */
final class EfficientNetBuilder {

    /** The arguments of one block, as {@code _decode_block_str} fills them for its block type. */
    static final class BlockArgs {
        String blockType;
        long outChs;
        long stride;
        long dwKernelSize;
        long expKernelSize = 1;
        long pwKernelSize = 1;
        double expRatio = 1.0;
        boolean hasExpRatio;
        double seRatio;
        long forceInChs;
        long kernelSize;
        /** {@code skip}/{@code noskip} in the block string: TRUE, FALSE or null (neither). */
        Boolean skip;
        /** The block string's {@code n} option as the torch class of its activation, or null (the model's). */
        String act;

        BlockArgs copy() {
            BlockArgs c = new BlockArgs();
            c.skip = skip;
            c.act = act;
            c.blockType = blockType;
            c.outChs = outChs;
            c.stride = stride;
            c.dwKernelSize = dwKernelSize;
            c.expKernelSize = expKernelSize;
            c.pwKernelSize = pwKernelSize;
            c.expRatio = expRatio;
            c.hasExpRatio = hasExpRatio;
            c.seRatio = seRatio;
            c.forceInChs = forceInChs;
            c.kernelSize = kernelSize;
            return c;
        }
    }

    private static final Pattern NUMERIC = Pattern.compile("(\\D*)(\\d.*)");

    /**
     * {@code round_channels(channels, multiplier, divisor=8, channel_min=None, round_limit=0.9)}: no rounding
     * for a zero multiplier.
     */
    static long roundChannels(long channels, double multiplier, long divisor, double roundLimit) {
        if (multiplier == 0) {
            return channels;
        }
        return TimmLayers.makeDivisible(channels * multiplier, divisor, null, roundLimit);
    }

    static long roundChannels(long channels, double multiplier) {
        return roundChannels(channels, multiplier, 8, 0.9);
    }

    /** {@code _parse_ksize}: an int; the mixed kernels of MixNet ({@code k3.5.7}) are not used here. */
    private static long parseKsize(String ss) {
        return Long.parseLong(ss);
    }

    /** {@code _decode_block_str(block_str)}: the block's arguments and its repeat count. */
    static BlockArgs decodeBlockStr(String blockStr, long[] repeat) {
        String[] ops = blockStr.split("_");
        Map<String, String> options = new HashMap<>();
        Boolean skip = null;
        for (int i = 1; i < ops.length; i++) {
            String op = ops[i];
            if (op.equals("noskip")) {
                skip = false;
            } else if (op.equals("skip")) {
                skip = true;
            } else if (op.startsWith("n")) {
                // activation: leaves no trace in the tensors
                options.put("n", op.substring(1));
            } else {
                Matcher m = NUMERIC.matcher(op);
                if (m.matches()) {
                    options.put(m.group(1), m.group(2));
                }
            }
        }
        BlockArgs ba = new BlockArgs();
        ba.blockType = ops[0];
        ba.skip = skip;
        if (options.containsKey("n")) {
            ba.act = switch (options.get("n")) {
                case "re" -> "ReLU";
                case "r6" -> "ReLU6";
                case "hs" -> "Hardswish";
                case "sw" -> "SiLU";
                case "mi" -> "Mish";
                default -> null;
            };
        }
        long expKernelSize = options.containsKey("a") ? parseKsize(options.get("a")) : 1;
        long pwKernelSize = options.containsKey("p") ? parseKsize(options.get("p")) : 1;
        long forceInChs = options.containsKey("fc") ? Long.parseLong(options.get("fc")) : 0;
        repeat[0] = Long.parseLong(options.get("r"));
        ba.outChs = Long.parseLong(options.get("c"));
        ba.stride = Long.parseLong(options.get("s"));
        double seRatio = options.containsKey("se") ? Double.parseDouble(options.get("se")) : 0.0;
        switch (ba.blockType) {
            case "ir" -> {
                ba.dwKernelSize = parseKsize(options.get("k"));
                ba.expKernelSize = expKernelSize;
                ba.pwKernelSize = pwKernelSize;
                ba.expRatio = Double.parseDouble(options.get("e"));
                ba.hasExpRatio = true;
                ba.seRatio = seRatio;
            }
            case "ds", "dsa" -> {
                ba.dwKernelSize = parseKsize(options.get("k"));
                ba.pwKernelSize = pwKernelSize;
                ba.seRatio = seRatio;
            }
            case "er" -> {
                ba.expKernelSize = parseKsize(options.get("k"));
                ba.pwKernelSize = pwKernelSize;
                ba.expRatio = Double.parseDouble(options.get("e"));
                ba.hasExpRatio = true;
                ba.forceInChs = forceInChs;
                ba.seRatio = seRatio;
            }
            case "cn" -> ba.kernelSize = Long.parseLong(options.get("k"));
            default -> throw new IllegalStateException("Unknown block type (" + ba.blockType + ")");
        }
        return ba;
    }

    /**
     * {@code _scale_stage_depth(stack_args, repeats, depth_multiplier, depth_trunc)}: the stage's total repeat
     * count scaled ({@code ceil}, or {@code round} to at least 1), spread back over its block definitions from
     * the last one.
     */
    static List<BlockArgs> scaleStageDepth(List<BlockArgs> stackArgs, List<Long> repeats, double depthMultiplier,
                                           String depthTrunc) {
        long numRepeat = repeats.stream().mapToLong(Long::longValue).sum();
        long numRepeatScaled = depthTrunc.equals("round")
                ? Math.max(1, Dims.round(numRepeat * depthMultiplier))
                : Dims.ceil(numRepeat * depthMultiplier);
        long[] repeatsScaled = new long[repeats.size()];
        for (int i = repeats.size() - 1; i >= 0; i--) {
            long r = repeats.get(i);
            long rs = Math.max(1, Dims.round((double) r / numRepeat * numRepeatScaled));
            repeatsScaled[i] = rs;
            numRepeat -= r;
            numRepeatScaled -= rs;
        }
        List<BlockArgs> scaled = new ArrayList<>();
        for (int i = 0; i < stackArgs.size(); i++) {
            for (long j = 0; j < repeatsScaled[i]; j++) {
                scaled.add(stackArgs.get(i).copy());
            }
        }
        return scaled;
    }

    /** {@code decode_arch_def(arch_def, depth_multiplier, depth_trunc='ceil', fix_first_last)}. */
    static List<List<BlockArgs>> decodeArchDef(String[][] archDef, double depthMultiplier, boolean fixFirstLast) {
        List<List<BlockArgs>> archArgs = new ArrayList<>();
        for (int stackIdx = 0; stackIdx < archDef.length; stackIdx++) {
            List<BlockArgs> stackArgs = new ArrayList<>();
            List<Long> repeats = new ArrayList<>();
            for (String blockStr : archDef[stackIdx]) {
                long[] rep = new long[1];
                stackArgs.add(decodeBlockStr(blockStr, rep));
                repeats.add(rep[0]);
            }
            boolean fixed = fixFirstLast && (stackIdx == 0 || stackIdx == archDef.length - 1);
            archArgs.add(scaleStageDepth(stackArgs, repeats, fixed ? 1.0 : depthMultiplier, "ceil"));
        }
        return archArgs;
    }

    private final LongUnaryOperator roundChsFn;
    private final boolean seFromExp;
    /** {@code se_layer} bound to a ratio: {@code partial(se_layer, rd_ratio=se_ratio)}. */
    private final DoubleFunction<EfficientNetBlocks.SeLayer> seLayer;
    /** The model's {@code act_layer} (torch class), for blocks whose string names none. */
    private final String actLayer;
    /** State updated during the build, read by the model: the channels of the last block. */
    long inChs;

    /**
     * {@code EfficientNetBuilder(round_chs_fn=..., se_from_exp=..., se_layer=...)}; output stride, padding,
     * activation, norm and drop path leave no trace in the tensors.
     */
    EfficientNetBuilder(LongUnaryOperator roundChsFn, boolean seFromExp,
                        DoubleFunction<EfficientNetBlocks.SeLayer> seLayer) {
        this(roundChsFn, seFromExp, seLayer, "ReLU");
    }

    /** {@code EfficientNetBuilder(..., act_layer=...)}: {@code actLayer} the torch class of the model's act. */
    EfficientNetBuilder(LongUnaryOperator roundChsFn, boolean seFromExp,
                        DoubleFunction<EfficientNetBlocks.SeLayer> seLayer, String actLayer) {
        this.actLayer = actLayer;
        this.roundChsFn = roundChsFn;
        this.seFromExp = seFromExp;
        this.seLayer = seLayer;
    }

    private Module makeBlock(BlockArgs ba, long stride) {
        String act = ba.act != null ? ba.act : actLayer;
        boolean noskip = Boolean.FALSE.equals(ba.skip);
        long outChs = roundChsFn.applyAsLong(ba.outChs);
        long forceInChs = ba.forceInChs != 0 ? roundChsFn.applyAsLong(ba.forceInChs) : 0;
        EfficientNetBlocks.SeLayer se = null;
        if (!ba.blockType.equals("cn")) {
            double seRatio = ba.seRatio;
            if (seRatio != 0 && seLayer != null) {
                if (!seFromExp) {
                    // adjust se_ratio by expansion ratio if calculating se channels from block input
                    seRatio /= ba.hasExpRatio ? ba.expRatio : 1.0;
                }
                se = seLayer.apply(seRatio);
            }
        }
        Module block = switch (ba.blockType) {
            case "ir" -> EfficientNetBlocks.invertedResidual(inChs, outChs, ba.dwKernelSize, stride, 1,
                    ba.expRatio, ba.expKernelSize, ba.pwKernelSize, se, act, noskip);
            case "ds", "dsa" -> EfficientNetBlocks.depthwiseSeparableConv(inChs, outChs, ba.dwKernelSize, stride,
                    1, ba.pwKernelSize, se, act, noskip || ba.blockType.equals("dsa"), ba.blockType.equals("dsa"));
            case "er" -> EfficientNetBlocks.edgeResidual(inChs, outChs, ba.expKernelSize, stride, 0,
                    forceInChs, ba.expRatio, ba.pwKernelSize, se, act, noskip);
            case "cn" -> EfficientNetBlocks.convBnAct(inChs, outChs, ba.kernelSize, stride, 0, act,
                    !Boolean.TRUE.equals(ba.skip));
            default -> throw new IllegalStateException("Unknown block type (" + ba.blockType + ")");
        };
        inChs = outChs; // in_chs for the next block
        return block;
    }

    /** {@code __call__(in_chs, model_block_args)}: one {@code nn.Sequential} of blocks per stage. */
    List<Module> build(long stemChs, List<List<BlockArgs>> modelBlockArgs) {
        inChs = stemChs;
        List<Module> stages = new ArrayList<>();
        for (List<BlockArgs> stackArgs : modelBlockArgs) {
            Sequential blocks = new Sequential();
            for (int blockIdx = 0; blockIdx < stackArgs.size(); blockIdx++) {
                BlockArgs ba = stackArgs.get(blockIdx);
                // only the first block in a stage can have a stride > 1
                blocks.append(makeBlock(ba, blockIdx >= 1 ? 1 : ba.stride));
            }
            stages.add(blocks);
        }
        return stages;
    }
}
