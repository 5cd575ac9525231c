package dev.modelsummary.catalog;

import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.compute.Architecture;
import dev.modelsummary.compute.ModelInput;
import dev.modelsummary.compute.Trace;
import dev.modelsummary.memory.MemoryTraits;
import dev.modelsummary.memory.ModuleNode;

/**
 * A built module tree as a forward pass on shapes, with the input its builder runs it on by default and what its
 * library says about its memory.
 */
record BuiltArchitecture(Module root, ModelInput defaultInput, MemoryTraits memoryTraits) implements Architecture {

    @Override
    public Trace trace(ModelInput input) {
        return root.trace(input.shape());
    }

    @Override
    public ModuleNode modules() {
        return root;
    }
}
