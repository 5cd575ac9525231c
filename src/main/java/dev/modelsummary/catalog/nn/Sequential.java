package dev.modelsummary.catalog.nn;

import dev.modelsummary.compute.Trace;
import dev.modelsummary.model.Shape;
import java.util.List;
import java.util.Map;

/**
 * {@code nn.Sequential} and {@code nn.ModuleList}: children named {@code 0}, {@code 1}, ... by position.
 * Parameter-free layers (ReLU, Dropout) take a position too, which is why torchvision names read
 * {@code mlp.0} and {@code mlp.3}. The {@code OrderedDict} form, with explicit names, is
 * {@link #add(String, Module)}.
 */
public class Sequential extends Module {

    public Sequential(Module... layers) {
        for (Module layer : layers) {
            append(layer);
        }
    }

    public Sequential(List<? extends Module> layers) {
        layers.forEach(this::append);
    }

    /** Appends under the next index, as {@code nn.Sequential(*layers)} and {@code ModuleList.append} name it. */
    public final Sequential append(Module layer) {
        add(Integer.toString(size()), layer);
        return this;
    }

    /** The number of children, named or indexed. */
    public final int size() {
        return children().size();
    }

    /** {@code for module in self: input = module(input)}. */
    @Override
    public Shape forward(Trace trace, Shape x) {
        Shape out = x;
        for (Map.Entry<String, Module> child : childrenWithEmptyPlaces().entrySet()) {
            if (child.getValue() != null) {
                out = call(trace, child.getKey(), out);
            }
        }
        return out;
    }
}
