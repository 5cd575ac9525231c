package dev.modelsummary.catalog.timm;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Pool;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.DType;
import dev.modelsummary.model.Shape;
import java.util.List;

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
     * {@code adaptive_avgmax_pool.SelectAdaptivePool2d(output_size=1, pool_type, flatten)} as 0.9.7 builds it:
     * {@code ''} passes through ({@code pool} an {@code nn.Identity}, {@code flatten} an {@code nn.Flatten(1)} when
     * asked); a type starting with {@code fast} is one {@code FastAdaptive*Pool} leaf (a {@code mean}/{@code amax}
     * over H and W, kept as 1x1 unless flattening) and an Identity {@code flatten}, chosen by the name's end tested
     * in 0.9.7's order {@code avgmax}, {@code catavgmax}, {@code max}, else avg (so {@code fastcatavgmax} builds
     * the avg+max sum, C channels, while {@code feat_mult} says 2, as upstream); otherwise {@code avgmax}
     * ({@code AdaptiveAvgMaxPool2d}), {@code catavgmax} ({@code AdaptiveCatAvgMaxPool2d}, avg and max concatenated
     * on the channels: 2C), {@code max} ({@code nn.AdaptiveMaxPool2d}) or anything else
     * ({@code nn.AdaptiveAvgPool2d}), then {@code nn.Flatten(1)} or Identity.
     */
    static final class SelectAdaptivePool2d extends Module {
        SelectAdaptivePool2d(String poolType, boolean flatten) {
            Module identity = Layers.activation("Identity");
            if (poolType.isEmpty()) {
                add("pool", Layers.activation("Identity"));
                add("flatten", flatten ? Layers.flatten(1) : identity);
            } else if (poolType.startsWith("fast")) {
                // 0.9.7 tests endswith('avgmax') before 'catavgmax', so a FastAdaptiveCatAvgMaxPool is never made
                if (poolType.endsWith("avgmax")) {
                    add("pool", fastPool("FastAdaptiveAvgMaxPool", flatten));
                } else if (poolType.endsWith("max")) {
                    add("pool", fastPool("FastAdaptiveMaxPool", flatten));
                } else {
                    add("pool", fastPool("FastAdaptiveAvgPool", flatten));
                }
                add("flatten", identity);
            } else {
                Module pool = switch (poolType) {
                    case "avgmax" -> Layers.stateless().forwardAs("AdaptiveAvgMaxPool2d",
                            (t, x) -> Pool.adaptive(x, 1, 1)); // 0.5 * (avg + max)
                    case "catavgmax" -> Layers.stateless().forwardAs("AdaptiveCatAvgMaxPool2d", (t, x) -> {
                        Shape p = Pool.adaptive(x, 1, 1);
                        return Reshape.cat(List.of(p, p), 1); // torch.cat((x_avg, x_max), 1)
                    });
                    case "max" -> Layers.stateless().forwardAs("AdaptiveMaxPool2d",
                            (t, x) -> Pool.adaptive(x, 1, 1));
                    default -> Layers.adaptiveAvgPool2d(1, 1);
                };
                add("pool", pool);
                add("flatten", flatten ? Layers.flatten(1) : identity);
            }
        }

        /**
         * A {@code FastAdaptive*Pool(flatten)} for NCHW: {@code x.mean((2, 3), keepdim=not flatten)} (and/or
         * {@code amax}): H and W become 1, or are dropped when flattening.
         */
        private static Module fastPool(String torchClass, boolean flatten) {
            return Layers.stateless().forwardAs(torchClass, (t, x) -> {
                if (x.rank() < 4) {
                    throw new ShapeException("Dimension out of range (expected to be in range of [-" + x.rank()
                            + ", " + (x.rank() - 1) + "], but got 3)");
                }
                long[] d = x.dims().clone();
                if (!flatten) {
                    d[2] = 1;
                    d[3] = 1;
                    return Shape.of(d);
                }
                long[] r = new long[d.length - 2];
                r[0] = d[0];
                r[1] = d[1];
                System.arraycopy(d, 4, r, 2, d.length - 4);
                return Shape.of(r);
            });
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
