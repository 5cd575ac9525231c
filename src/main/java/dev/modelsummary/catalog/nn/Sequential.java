package dev.modelsummary.catalog.nn;

import java.util.List;

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
}
