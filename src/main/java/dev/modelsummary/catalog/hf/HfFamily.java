package dev.modelsummary.catalog.hf;

import dev.modelsummary.catalog.Task;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.DType;
import java.util.List;

/**
 * One model family of the transformers (or timm) library: its {@code model_type}, the model classes it can
 * build, and the building, ported from the library's {@code modeling_*.py} with its config class's defaults.
 */
public interface HfFamily {
    /** The config's {@code model_type} ({@code bert}). */
    String modelType();

    /** The model classes it builds, the base model first ({@code BertModel}, {@code BertForMaskedLM} ...). */
    List<String> architectures();

    /** What a model class does, for the catalog's grouping. */
    Task task(String architecture);

    /**
     * Builds {@code architecture} from the config, tied weights tied as the library ties them.
     *
     * @throws ConfigException for values the library refuses
     */
    Module build(HfConfig config, String architecture);

    /**
     * {@code from_pretrained(torch_dtype=dtype)}'s cast of a built model: every floating tensor, unless the
     * family keeps some in float32 ({@code _keep_in_fp32_modules}) and overrides this.
     */
    default void toDType(Module model, DType dtype) {
        model.toDType(dtype);
    }
}
