package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.catalog.hf.HfFamily;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.modelsummary.memory.KvCache;

/**
 * transformers 4.57.6 {@code models/mt5/modeling_mt5.py}: T5's code copied under {@code MT5} class names
 * ({@code MT5Stack}, {@code MT5Block}, {@code MT5Attention}, ...), so built here by {@link T5} and renamed, with
 * {@code MT5Config}'s defaults in place of T5Config's: vocab 250112, d_model 512, d_kv 64, d_ff 1024, 8 layers of 6
 * heads, {@code gated-gelu} (gelu_new) feed-forward, an untied lm_head ({@code tie_word_embeddings} False).
 * {@code _keep_in_fp32_modules = ["wo"]} does not act in {@code _from_config} ({@link #toDType}).
 */
public final class MT5 implements HfFamily {
    /** {@code MT5Config.__init__}'s defaults that differ from {@code T5Config}'s (or that T5's builder reads). */
    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("vocab_size", "250112");
        d.put("d_model", "512");
        d.put("d_kv", "64");
        d.put("d_ff", "1024");
        d.put("num_layers", "8");
        d.put("num_heads", "6");
        d.put("relative_attention_num_buckets", "32");
        d.put("feed_forward_proj", "gated-gelu");
        d.put("tie_word_embeddings", "false");
        d.put("classifier_dropout", "0.0");
        d.put("eos_token_id", "1");
        return d;
    }

    private final T5 t5 = new T5();

    /**
     * Upstream defines {@code _prune_heads} for this family, which this port does not mirror: refused as not
     * supported, rather than listed unpruned.
     */
    @Override
    public void checkPrunedHeads(HfConfig config) {
        if (HfFamily.hasPrunedHeads(config)) {
            throw new ConfigException("pruned_heads is not supported for " + modelType() + " models yet (transformers "
                    + "prunes their attention heads at construction); remove it to list the unpruned model");
        }
    }

    @Override
    public String modelType() {
        return "mt5";
    }

    @Override
    public List<String> architectures() {
        return t5.architectures().stream().map(a -> "M" + a).toList();
    }

    @Override
    public Module build(HfConfig config, String architecture) {
        HfConfig resolved = resolved(config);
        Module model = t5.build(resolved, architecture.substring(1));
        // MT5Config: dense_act_fn is the part after "gated-", and "gated-gelu" means gelu_new
        String feedForwardProj = resolved.string("feed_forward_proj", "gated-gelu");
        String[] actInfo = feedForwardProj.split("-", -1);
        String denseActFn = feedForwardProj.equals("gated-gelu") ? "gelu_new" : actInfo[actInfo.length - 1];
        rename(model, Act457.act(denseActFn).className());
        return model;
    }

    /**
     * The T5 modules' hooks report {@code MT5...}: each {@code T5X} class becomes {@code MT5X}; the feed-forward's
     * {@code act} is 4.57's {@code ACT2FN} class ({@code silu} is {@code SiLUActivation} there).
     */
    private static void rename(Module module, String actClass) {
        if (module.className().startsWith("T5")) {
            module.className("M" + module.className());
        }
        module.childrenWithEmptyPlaces().forEach((name, child) -> {
            if (child == null) {
                return;
            }
            if (name.equals("act") && child.childrenWithEmptyPlaces().isEmpty()) {
                child.forwardAs(actClass, (t, x) -> x);
            } else if (!child.className().startsWith("MT5")) {
                rename(child, actClass);
            }
        });
    }

    /**
     * 4.57's {@code _from_config} builds every tensor in the config's dtype: {@code _keep_in_fp32_modules} acts only
     * when {@code from_pretrained} loads weights, so a config alone has {@code wo} in float16 too (T5, a 4.40 family,
     * keeps its {@code from_pretrained} cast).
     */
    @Override
    public void toDType(Module model, DType dtype) {
        model.toDType(dtype);
    }

    /** {@code _no_split_modules} of this family's model classes in transformers 4.57.6 (one value for all). */
    @Override
    public List<String> noSplitModules(String architecture) {
        return List.of("MT5Block");
    }

    /** The config with {@code MT5Config}'s defaults where T5's differ. */
    private static HfConfig resolved(HfConfig config) {
        Map<String, String> missing = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> {
            if (!config.has(key)) {
                missing.put(key, value);
            }
        });
        return config.withOverrides(missing);
    }

    /** T5's cache of the config with {@code MT5Config}'s defaults. */
    @Override
    public KvCache kvCache(HfConfig config, String architecture) {
        return t5.kvCache(resolved(config), architecture.substring(1));
    }
}
