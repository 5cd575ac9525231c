package dev.modelsummary.catalog;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.Trace;

/** A built module tree as a forward pass on shapes, with the input its builder runs it on by default. */
record BuiltArchitecture(Module root, ModelInput defaultInput) implements Architecture {

    @Override
    public Trace trace(ModelInput input) {
        return root.trace(input.shape());
    }
}
