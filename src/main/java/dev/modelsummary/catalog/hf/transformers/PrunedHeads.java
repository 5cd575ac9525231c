package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A config's {@code pruned_heads} ({@code {layer: [heads]}}, its JSON keys made ints as {@code from_dict} makes
 * them), applied as {@code PreTrainedModel.init_weights()} applies it at construction: {@code prune_heads} calls
 * the base model's {@code _prune_heads}, which hands each layer's list to that layer's attention, which
 * ({@code find_pruneable_heads_and_indices}, {@code prune_linear_layer}) keeps the rows of the heads not pruned in
 * its query/key/value projections and the matching input columns of its output projection, and counts fewer
 * heads. Ported from transformers 4.57.6's {@code pytorch_utils.py} and {@code modeling_utils.py}, unchanged
 * since 4.40.
 */
final class PrunedHeads {
    private final List<Map.Entry<Long, List<Long>>> entries;

    private PrunedHeads(List<Map.Entry<Long, List<Long>>> entries) {
        this.entries = entries;
    }

    /** The config's {@code pruned_heads}, in its order; empty when missing, null or {@code {}}. */
    static PrunedHeads of(HfConfig config) {
        List<Map.Entry<Long, List<Long>>> entries = new ArrayList<>();
        JsonNode node = config.node("pruned_heads");
        if (node == null || node.isNull()) {
            return new PrunedHeads(entries);
        }
        if (!node.isObject()) {
            throw new ConfigException("Config key 'pruned_heads' is not an object of layer: [heads].");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            long layer;
            try {
                layer = Long.parseLong(field.getKey().strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException("invalid literal for int() with base 10: " + Quote.of(field.getKey())
                        + " (a key of pruned_heads)");
            }
            List<Long> heads = new ArrayList<>();
            if (!field.getValue().isArray()) {
                throw new ConfigException("Config key 'pruned_heads' maps layer " + layer + " to "
                        + field.getValue() + ", not a list of head indices.");
            }
            for (JsonNode head : field.getValue()) {
                if (!head.isIntegralNumber() || !head.canConvertToLong()) {
                    throw new ConfigException("Config key 'pruned_heads' lists " + head + " for layer " + layer
                            + ", not a head index.");
                }
                heads.add(head.longValue());
            }
            entries.add(Map.entry(layer, heads));
        }
        return new PrunedHeads(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Each {@code (layer, heads)} of the dict, in order, with the layer key as written. */
    List<Map.Entry<Long, List<Long>>> entries() {
        return entries;
    }

    /**
     * {@code module_list[index]}: a negative index counts from the end; out of range is torch's IndexError.
     */
    static int moduleListIndex(long index, int size) {
        long i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new ConfigException("index " + index + " is out of range (a layer of pruned_heads)");
        }
        return (int) i;
    }

    /**
     * One attention's heads as {@code prune_heads} leaves them: {@code heads} (its {@code num_attention_heads}),
     * {@code kept} (the query/key/value output rows, {@code len(index)}), and the heads already pruned.
     */
    static final class Attention {
        long heads;
        final long headSize;
        long kept;
        private final Set<Long> pruned = new LinkedHashSet<>();

        Attention(long heads, long headSize) {
            this.heads = heads;
            this.headSize = headSize;
            this.kept = dev.modelsummary.catalog.nn.Dims.mul(heads, headSize);
        }

        /**
         * {@code find_pruneable_heads_and_indices(heads, n_heads, head_size, already_pruned)} and the head count
         * update: the heads not pruned yet are masked (shifted down by the pruned heads before them; an index out
         * of {@code [-n_heads, n_heads)} is torch's IndexError) and {@code num_heads -= len(heads)}.
         *
         * @param skipEmpty whether the attention returns early on an empty list (every attention ported here
         *                  does; without it, an empty list would replace the layers with the same rows)
         * @return whether the layers are pruned (replaced)
         */
        boolean prune(List<Long> list, boolean skipEmpty) {
            if (skipEmpty && list.isEmpty()) {
                return false;
            }
            Set<Long> heads = new LinkedHashSet<>(list);
            heads.removeAll(pruned);
            Set<Long> masked = new LinkedHashSet<>();
            for (long head : heads) {
                long shifted = head - pruned.stream().filter(h -> h < head).count();
                if (shifted < -this.heads || shifted >= this.heads) {
                    throw new ConfigException("index " + shifted + " is out of bounds for dimension 0 with size "
                            + this.heads + " (a head of pruned_heads)");
                }
                masked.add(shifted < 0 ? shifted + this.heads : shifted);
            }
            kept = dev.modelsummary.catalog.nn.Dims.mul(this.heads - masked.size(), headSize);
            this.heads -= heads.size();
            pruned.addAll(heads);
            return true;
        }
    }

    /** For tests and messages: the entries as a Python dict. */
    @Override
    public String toString() {
        Map<Long, List<Long>> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map.toString();
    }
}
