package dev.modelsummary.catalog.torchvision.detection;

import dev.modelsummary.catalog.Arg;
import dev.modelsummary.catalog.ArgumentException;
import dev.modelsummary.catalog.Builder;
import dev.modelsummary.catalog.Kwargs;
import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.Weights;
import dev.modelsummary.compute.Exact;
import dev.modelsummary.compute.PartialTraceException;
import dev.modelsummary.compute.Reshape;
import dev.modelsummary.compute.ShapeException;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks the detection builders inherit from torchvision's helpers: {@code det_utils.Matcher}'s threshold
 * assertion ({@code models/detection/_utils.py}) and {@code _ovewrite_value_param} ({@code models/_utils.py}),
 * which the detection builders use for {@code num_classes} where the classifiers use
 * {@code _ovewrite_named_param}; and what the detection builders share: their task, their argument lists, and
 * turning a refusal inside the model code into a usage error.
 */
final class DetectionUtils {
    private DetectionUtils() {
    }

    /**
     * {@code det_utils.Matcher(high_threshold, low_threshold)}: {@code torch._assert(low_threshold <=
     * high_threshold)} fails the build; {@code high} and {@code low} name the keyword arguments passed in.
     */
    static void matcher(Kwargs kwargs, String high, String low) {
        if (!(kwargs.real(low) <= kwargs.real(high))) {
            throw kwargs.refuse("low_threshold should be <= high_threshold (" + low + "=" + kwargs.real(low)
                    + ", " + high + "=" + kwargs.real(high) + ")");
        }
    }

    /**
     * What every detection builder does with {@code num_classes}: the weights' category count when weights are
     * given, else the value given, else {@code defaultValue}.
     */
    static long numClasses(Kwargs kwargs, Optional<Weights.Member> weights, long defaultValue) {
        if (weights.isPresent()) {
            return kwargs.overwriteValue("num_classes", weights.get().categories());
        }
        Long given = kwargs.optionalInteger("num_classes");
        return given == null ? defaultValue : given;
    }

    /** {@code num_classes: Optional[int] = None}, which the builder turns into {@code defaultValue}. */
    static Arg numClassesArg(long defaultValue) {
        return Arg.optionalInteger("num_classes", "number of output classes, background included (None: "
                + defaultValue + ")");
    }

    /** The argument lists given, in order, as one list. */
    @SafeVarargs
    static List<Arg> concat(List<Arg>... parts) {
        List<Arg> all = new ArrayList<>();
        for (List<Arg> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    /**
     * An object detection builder. A model constructor's refusal (an IllegalArgumentException, as PyTorch's
     * ValueError or RuntimeError on a negative size) becomes a usage error in the builder's name.
     */
    static Builder builder(String name, List<Arg> args, Builder.Factory factory) {
        return Builder.of(name, Task.OBJECT_DETECTION, args, kwargs -> {
            try {
                return factory.build(kwargs);
            } catch (ArgumentException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw kwargs.refuse(e.getMessage());
            }
        });
    }

    /**
     * A one-stage head's per-level output {@code (N, A * K, H, W)} after {@code view(N, -1, K, H, W)},
     * {@code permute(0, 3, 4, 1, 2)}, {@code reshape(N, -1, K)}: {@code (N, H * W * A, K)}; then
     * {@code torch.cat(levels, dim=1)}. Reshapes only.
     */
    static Shape catLevels(List<Shape> levels, long k) {
        List<Shape> flat = new ArrayList<>();
        for (Shape level : levels) {
            if (level.dim(1) % k != 0) {
                throw new ShapeException("shape '[" + level.dim(0) + ", -1, " + k + ", " + level.dim(2) + ", "
                        + level.dim(3) + "]' is invalid for input of size " + Exact.numel(level));
            }
            flat.add(Shape.of(level.dim(0), Exact.product(level.dim(1) / k, level.dim(2), level.dim(3)), k));
        }
        return Reshape.cat(flat, 1);
    }

    /**
     * The end of every detector's eval forward: after the head and the anchors, {@code postprocess_detections}
     * keeps the boxes above a score threshold, at most {@code topk_candidates} per level, through NMS: how
     * many depends on the image. Every module call is known by then.
     */
    static PartialTraceException postprocess(Trace t) {
        return new PartialTraceException(t, "postprocess_detections", "the number of detections kept by the "
                + "score threshold and NMS depends on the image (every module call is traced)");
    }
}
