package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import dev.modelsummary.summary.PythonNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** torchvision {@code models/_utils.py} (0.14.1): channel rounding and the layer getter detection uses. */
public final class ModelUtils {
    private ModelUtils() {
    }

    /**
     * {@code _make_divisible(v, divisor, min_value=None)}, exactly: {@code max(min_value, int(v + divisor / 2)
     * // divisor * divisor)}, plus one {@code divisor} when that rounds down by more than 10%.
     */
    public static long makeDivisible(double v, long divisor, Long minValue) {
        if (!(Math.abs(v) < 0x1p62)) {
            // Python's ints do not overflow, but no tensor can have this many channels (torch refuses it).
            throw new IllegalArgumentException("a channel count of " + PythonNumbers.repr(v) + " is too large");
        }
        long min = minValue == null ? divisor : minValue;
        // int() truncates toward zero; v is a positive channel count, so floor and truncation agree.
        long newV = Math.max(min, Dims.mul(Math.floorDiv(Dims.trunc(v + divisor / 2.0), divisor), divisor));
        if (newV < 0.9 * v) {
            newV = Dims.add(newV, divisor);
        }
        return newV;
    }

    public static long makeDivisible(double v, long divisor) {
        return makeDivisible(v, divisor, null);
    }

    /**
     * {@code IntermediateLayerGetter(model, return_layers)}: a new module holding the model's children in
     * order, up to and including the last one named in {@code returnLayers}; the rest (pooling, classifier)
     * is dropped.
     */
    public static Module intermediateLayerGetter(Module model, Set<String> returnLayers) {
        return new IntermediateLayerGetter(model, returnLayers);
    }

    /**
     * {@code IntermediateLayerGetter}: an {@code nn.ModuleDict} of the kept children; its forward runs them in
     * order and returns the outputs of the return layers, in the order the children run (the dict is filled
     * as they run).
     */
    static final class IntermediateLayerGetter extends Module {
        private final Set<String> returnLayers;

        IntermediateLayerGetter(Module model, Set<String> returnLayers) {
            if (!model.childrenWithEmptyPlaces().keySet().containsAll(returnLayers)) {
                throw new IllegalArgumentException("return_layers are not present in model");
            }
            this.returnLayers = Set.copyOf(returnLayers);
            int remaining = returnLayers.size();
            for (var child : model.childrenWithEmptyPlaces().entrySet()) {
                add(child.getKey(), child.getValue());
                if (returnLayers.contains(child.getKey())) {
                    remaining--;
                }
                if (remaining == 0) {
                    break;
                }
            }
        }

        @Override
        public List<Shape> forwardOutputs(Trace t, List<Shape> xs) {
            if (xs.size() != 1) {
                throw new UnsupportedOperationException(className() + " takes one tensor, not a list");
            }
            Shape x = xs.get(0);
            List<Shape> out = new ArrayList<>();
            for (var child : childrenWithEmptyPlaces().entrySet()) {
                if (child.getValue() == null) {
                    continue;
                }
                x = call(t, child.getKey(), x);
                if (returnLayers.contains(child.getKey())) {
                    out.add(x);
                }
            }
            return out;
        }

        @Override
        public Shape forward(Trace t, Shape x) {
            throw new UnsupportedOperationException(className() + " returns a dict of tensors");
        }
    }
}
