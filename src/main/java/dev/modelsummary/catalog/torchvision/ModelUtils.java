package dev.modelsummary.catalog.torchvision;

import dev.modelsummary.catalog.nn.Dims;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.summary.PythonNumbers;
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
        if (!model.namedChildren().keySet().containsAll(returnLayers)) {
            throw new IllegalArgumentException("return_layers are not present in model");
        }
        Module getter = new Module();
        int remaining = returnLayers.size();
        for (var child : model.namedChildren().entrySet()) {
            getter.add(child.getKey(), child.getValue());
            if (returnLayers.contains(child.getKey())) {
                remaining--;
            }
            if (remaining == 0) {
                break;
            }
        }
        return getter;
    }
}
