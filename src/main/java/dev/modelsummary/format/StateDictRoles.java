package dev.modelsummary.format;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import java.util.Set;

/**
 * A state_dict or a safetensors file lists parameters and buffers alike, without saying which is which.
 * These rules recover the split the way torchvision and friends register them.
 */
public final class StateDictRoles {
    /**
     * Last name components that torchvision (and timm, HF vision models) register with {@code register_buffer}:
     * BatchNorm/InstanceNorm running statistics, Swin and MaxViT relative-position tables. These are every
     * buffer name of the 118 torchvision 0.14.1 builders.
     */
    private static final Set<String> BUFFER_NAMES = Set.of(
            "running_mean", "running_var", "num_batches_tracked",
            "relative_position_index", "relative_coords_table");

    private StateDictRoles() {
    }

    /** Buffer for a known buffer name, or for integer and bool tensors (no parameter can be integer); else parameter. */
    public static Role classify(String name, DType dtype) {
        int dot = name.lastIndexOf('.');
        String last = dot < 0 ? name : name.substring(dot + 1);
        return BUFFER_NAMES.contains(last) || dtype.isIntegerOrBool() ? Role.BUFFER : Role.PARAMETER;
    }
}
