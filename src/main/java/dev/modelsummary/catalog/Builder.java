package dev.modelsummary.catalog;

import dev.modelsummary.catalog.nn.Module;

/** One public model builder ({@code torchvision.models.vit_l_16}): builds the module tree for the options. */
@FunctionalInterface
public interface Builder {
    Module build(ArchOptions options);
}
