package dev.modelsummary.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Role;
import org.junit.jupiter.api.Test;

class StateDictRolesTest {
    @Test
    void buffersUpstreamCodeRegistersAreBuffersWhateverTheirDtype() {
        assertThat(StateDictRoles.classify("model.layers.3.mlp.gate.e_score_correction_bias", DType.FLOAT32))
                .isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("model.layers.0.self_attn.rotary_emb.inv_freq", DType.FLOAT32))
                .isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("bn.running_var", DType.FLOAT16)).isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("bn.num_batches_tracked", DType.INT64)).isEqualTo(Role.BUFFER);
    }

    @Test
    void whateverAnExtraStateEntryHoldsIsNeverAParameter() {
        assertThat(StateDictRoles.classify("layers.0.attn._extra_state", DType.FLOAT32)).isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("layers.0.attn._extra_state.scale_fwd", DType.FLOAT32))
                .isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("_extra_state", DType.FLOAT32)).isEqualTo(Role.BUFFER);
        assertThat(StateDictRoles.classify("layers.0._extra_statement.weight", DType.FLOAT32))
                .isEqualTo(Role.PARAMETER);
        // torch writes prefix + "_extra_state": a component that merely ends so is some module's own parameter
        assertThat(StateDictRoles.classify("layers.0.cache_extra_state", DType.FLOAT32)).isEqualTo(Role.PARAMETER);
        assertThat(StateDictRoles.classify("layers.0.cache_extra_state.w", DType.FLOAT32))
                .isEqualTo(Role.PARAMETER);
    }

    @Test
    void aFloatTensorIsAParameterAndAGuessUnlessTorchNnNamesParametersSo() {
        assertThat(StateDictRoles.classify("norm.scale", DType.FLOAT32)).isEqualTo(Role.PARAMETER);
        assertThat(StateDictRoles.isGuessedParameter("norm.scale", DType.FLOAT32)).isTrue();
        assertThat(StateDictRoles.isGuessedParameter("cls_token", DType.FLOAT32)).isTrue();
        for (String name : new String[] {"fc.weight", "fc.bias", "lstm.weight_ih_l0", "lstm.bias_hh_l1_reverse",
                "conv.weight_g", "conv.weight_orig", "attn.in_proj_weight", "attn.bias_k",
                "fc.parametrizations.weight.original0", "class_token", "encoder.pos_embedding",
                "features.0.0.relative_position_bias_table"}) {
            assertThat(StateDictRoles.isGuessedParameter(name, DType.FLOAT32)).as(name).isFalse();
        }
        assertThat(StateDictRoles.isGuessedParameter("gate.e_score_correction_bias", DType.FLOAT32)).isFalse();
        assertThat(StateDictRoles.isGuessedParameter("pos_ids", DType.INT64)).isFalse();
    }
}
