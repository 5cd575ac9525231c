package dev.modelsummary.format;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A state_dict or a safetensors file lists parameters and buffers alike, without saying which is which.
 * These rules recover the split the way torchvision and friends register them.
 */
public final class StateDictRoles {
    /**
     * Last name components that upstream code registers with {@code register_buffer}, never as parameters:
     * BatchNorm/InstanceNorm running statistics and Swin/MaxViT relative-position tables (these are every buffer
     * name of the 118 torchvision 0.14.1 builders), DeepSeek-V3's router bias correction
     * ({@code e_score_correction_bias}, transformers' DeepseekV3TopkRouter), rotary embeddings' {@code inv_freq}
     * and GPT-2's {@code masked_bias} (transformers).
     */
    private static final Set<String> BUFFER_NAMES = Set.of(
            "running_mean", "running_var", "num_batches_tracked",
            "relative_position_index", "relative_coords_table",
            "e_score_correction_bias", "inv_freq", "masked_bias");

    /**
     * {@code Module.get_extra_state()}'s entry ({@code <prefix>_extra_state}, torch's EXTRA_STATE_KEY_SUFFIX):
     * whatever it holds is state, never a parameter.
     */
    private static final String EXTRA_STATE = "_extra_state";

    /**
     * Last name components torch.nn modules give their parameters ({@code weight}, {@code bias}, RNNs'
     * {@code weight_ih_l0}, weight norm's {@code weight_g}/{@code weight_v}, pruning's {@code weight_orig},
     * MultiheadAttention's {@code in_proj_weight}, {@code bias_k} ..., parametrizations' {@code original0}), and
     * the other parameter names of the 118 torchvision 0.14.1 builders: a float tensor named so is a parameter
     * with no guess involved.
     */
    private static final Pattern PARAMETER_NAME = Pattern.compile(
            "(weight|bias)(_[a-z0-9_]+)?|in_proj_(weight|bias)|[qkv]_proj_weight|original[0-9]*"
                    + "|layer_scale|relative_position_bias_table|logit_scale|rel_pos_[hwt]|class_token"
                    + "|pos_embedding|scale_weight|spatial_pos|temporal_pos|class_pos");

    private StateDictRoles() {
    }

    /**
     * Buffer for a known buffer name, for anything under an {@code _extra_state} entry, or for integer and bool
     * tensors (no parameter can be integer); else parameter.
     */
    public static Role classify(String name, DType dtype) {
        String last = last(name);
        return BUFFER_NAMES.contains(last) || dtype.isIntegerOrBool() || isExtraState(name)
                ? Role.BUFFER : Role.PARAMETER;
    }

    /**
     * Whether {@link #classify} calls {@code name} a parameter only because nothing says otherwise: a float tensor
     * whose name is not one torch.nn or torchvision gives parameters ({@code scale}, {@code cls_token}). A file
     * that does not record roles itself may hold it as a buffer.
     */
    public static boolean isGuessedParameter(String name, DType dtype) {
        return classify(name, dtype) == Role.PARAMETER && !PARAMETER_NAME.matcher(last(name)).matches();
    }

    private static boolean isExtraState(String name) {
        int at = name.indexOf(EXTRA_STATE);
        while (at >= 0) {
            int end = at + EXTRA_STATE.length();
            // the whole component: state_dict() writes prefix + "_extra_state", prefix "" or ending in a dot
            if ((at == 0 || name.charAt(at - 1) == '.') && (end == name.length() || name.charAt(end) == '.')) {
                return true; // the entry itself, or a tensor inside it
            }
            at = name.indexOf(EXTRA_STATE, at + 1);
        }
        return false;
    }

    private static String last(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
