package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.Catalog;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Small helpers of the ALBERT, RoBERTa and XLNet tests: build a built-in with --arg values, look at it. */
final class EncoderFamiliesSupport {
    static final Catalog CATALOG = Catalog.standard();

    private EncoderFamiliesSupport() {
    }

    static Model build(String hubId, String... keyValues) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put(keyValues[i], keyValues[i + 1]);
        }
        return CATALOG.build(hubId, args).orElseThrow(() -> new AssertionError("no built-in " + hubId));
    }

    /** {@code sum(p.numel() for p in model.parameters())}: tied weights once. */
    static long total(Model model) {
        return model.tensors().stream().filter(t -> t.isParameter() && t.aliasOf() == null)
                .mapToLong(TensorEntry::numel).sum();
    }

    static Optional<TensorEntry> tensor(Model model, String name) {
        return model.tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    static String shape(Model model, String name) {
        return tensor(model, name).map(t -> Arrays.toString(t.shape().dims()))
                .orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    static String aliasOf(Model model, String name) {
        return tensor(model, name).orElseThrow(() -> new AssertionError("no tensor " + name)).aliasOf();
    }

    static boolean has(Model model, String prefix) {
        return model.tensors().stream().anyMatch(t -> t.name().startsWith(prefix));
    }
}
