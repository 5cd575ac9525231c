package dev.modelsummary.compute;

import dev.modelsummary.memory.MemoryTraits;
import dev.modelsummary.memory.ModuleNode;

/**
 * A model that has a forward pass: a built-in architecture or a {@code config.json}, whose module tree runs on
 * shapes. A weight file has none.
 */
public interface Architecture {

    /** The input the model is run on when the user gives none (its weights' crop size, batch 1, ...). */
    ModelInput defaultInput();

    /**
     * {@code model(input)} on shapes: every module call, its shapes and FLOPs.
     *
     * @throws ComputeException where torch would refuse the input, or a count passes 2^63-1, naming the module
     */
    Trace trace(ModelInput input);

    /** The module tree, as accelerate walks it for the largest layer. */
    ModuleNode modules();

    /** What the model's library says about its memory: no-split classes, KV cache, experts. */
    MemoryTraits memoryTraits();
}
