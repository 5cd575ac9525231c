package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;

/**
 * The parts of timm 0.9.7's {@code timm/layers} package these models use, each named after its upstream file:
 * {@code helpers.make_divisible}, {@code create_conv2d} ({@code conv2d_same.create_conv2d_pad}),
 * {@code norm_act.BatchNormAct2d}, {@code adaptive_avgmax_pool.adaptive_pool_feat_mult} and
 * {@code classifier.create_classifier}. Activations, dropout, drop path and pooling hold no tensors and are
 * left out.
 */
final class TimmLayers {
    private TimmLayers() {
    }

    /**
     * {@code helpers.make_divisible(v, divisor=8, min_value=None, round_limit=.9)}: {@code v} rounded to the
     * nearest multiple of {@code divisor} (halves up), at least {@code min_value} (default: the divisor), and
     * one divisor more when rounding lost more than {@code 1 - round_limit} of {@code v}.
     */
    static long makeDivisible(double v, long divisor, Long minValue, double roundLimit) {
        long min = minValue == null || minValue == 0 ? divisor : minValue;
        // int(v + divisor / 2) // divisor * divisor: Python's int() truncates, // floors
        long truncated = Dims.trunc(v + divisor / 2.0);
        long newV = Math.max(min, Dims.mul(Math.floorDiv(truncated, divisor), divisor));
        if (newV < roundLimit * v) {
            newV = Dims.add(newV, divisor);
        }
        return newV;
    }

    /** {@code make_divisible(v)} with its defaults. */
    static long makeDivisible(double v) {
        return makeDivisible(v, 8, null, 0.9);
    }

    /**
     * {@code create_conv2d(in, out, kernel_size, groups=groups, bias=bias)} for an int kernel:
     * {@code create_conv2d_pad}, an {@code nn.Conv2d} (or {@code Conv2dSame}, the same tensors), with
     * {@code bias=False} unless asked.
     */
    static Module createConv2d(long in, long out, long kernel, long groups, boolean bias) {
        return Layers.conv2d(in, out, kernel, groups, bias);
    }

    /**
     * {@code create_conv2d(in, out, kernel_size, stride=stride, dilation=dilation, groups=groups, bias=bias)}
     * with the default {@code padding=''}: {@code get_padding} gives the symmetric static
     * {@code ((stride - 1) + dilation * (kernel_size - 1)) // 2}, so no {@code Conv2dSame} is made.
     */
    static Module createConv2d(long in, long out, long kernel, long stride, long dilation, long groups,
                               boolean bias) {
        long padding = Math.floorDiv((stride - 1) + dilation * (kernel - 1), 2);
        return Layers.conv2d(in, out, kernel, groups, bias).stride(stride).padding(padding).dilation(dilation);
    }

    static Module createConv2d(long in, long out, long kernel) {
        return createConv2d(in, out, kernel, 1, false);
    }

    /**
     * {@code norm_act.BatchNormAct2d(n)}: an {@code nn.BatchNorm2d} subclass (weight, bias, running_mean,
     * running_var, num_batches_tracked) whose {@code drop} and {@code act} children hold nothing.
     */
    static Module batchNormAct2d(long n) {
        return Layers.batchNorm(n);
    }

    /** {@link #batchNormAct2d(long)} with its forward: the batch norm, then {@code drop} and {@code act}. */
    static Module batchNormAct2d(long n, String actClass) {
        return new BatchNormAct2d(n, actClass);
    }

    /**
     * {@code norm_act.BatchNormAct2d(n, act_layer=...)} ({@code apply_act}, {@code drop_layer=None}): the
     * {@code nn.BatchNorm2d} tensors; {@code drop} an {@code nn.Identity}, {@code act} the activation or an
     * {@code nn.Identity} (class {@code "Identity"}), both called after the functional batch norm.
     */
    static final class BatchNormAct2d extends Module {
        private final long n;

        BatchNormAct2d(long n, String actClass) {
            this.n = n;
            parameter("weight", n);
            parameter("bias", n);
            buffer("running_mean", DType.FLOAT32, n);
            buffer("running_var", DType.FLOAT32, n);
            buffer("num_batches_tracked", DType.INT64);
            add("drop", Layers.activation("Identity"));
            add("act", Layers.activation(actClass));
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            // _check_input_dim, then F.batch_norm
            if (x.rank() != 4) {
                throw new ShapeException("expected 4D input (got " + x.rank() + "D input)");
            }
            if (x.dim(1) != n) {
                throw new ShapeException("running_mean should contain " + x.dim(1) + " elements not " + n);
            }
            x = call(t, "drop", x);
            return call(t, "act", x);
        }
    }

    /**
     * {@code adaptive_avgmax_pool.SelectAdaptivePool2d(pool_type='avg', flatten=True)}: {@code pool} an
     * {@code nn.AdaptiveAvgPool2d(1)}, {@code flatten} an {@code nn.Flatten(1)}; with {@code pool_type=''} both are
     * {@code nn.Identity}.
     */
    static final class SelectAdaptivePool2d extends Module {
        SelectAdaptivePool2d(String poolType, boolean flatten) {
            if (poolType.isEmpty()) {
                add("pool", Layers.activation("Identity"));
                add("flatten", Layers.activation("Identity"));
            } else if (poolType.equals("avg")) {
                add("pool", Layers.adaptiveAvgPool2d(1, 1));
                add("flatten", flatten ? Layers.flatten(1) : Layers.activation("Identity"));
            } else {
                // max, avgmax, catavgmax: no forward yet (tracing them says so)
                add("pool", Layers.stateless());
                add("flatten", Layers.activation("Identity"));
            }
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            x = call(t, "pool", x);
            return call(t, "flatten", x);
        }
    }

    /** {@code adaptive_pool_feat_mult(pool_type)}: 2 for a concatenating pool, else 1. */
    static long poolFeatMult(String poolType) {
        return poolType.endsWith("catavgmax") ? 2 : 1;
    }

    /**
     * {@code classifier._create_fc} after {@code _create_pool}: {@code nn.Linear(num_features * feat_mult,
     * num_classes)}, or null ({@code nn.Identity}, no tensors) for {@code num_classes <= 0}. Pooling can be
     * disabled only without a classifier, as the upstream assertion says.
     */
    static Module createClassifier(long numFeatures, long numClasses, String poolType) {
        if (poolType.isEmpty() && numClasses != 0) {
            throw new IllegalArgumentException(
                    "Pooling can only be disabled if classifier is also removed or conv classifier is used");
        }
        if (numClasses <= 0) {
            return Layers.activation("Identity");
        }
        return Layers.linear(Dims.mul(numFeatures, poolFeatMult(poolType)), numClasses, true);
    }
}
