package dev.modelsummary.catalog.hf.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.hf.HfConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code utils/backbone_utils.py}'s {@code get_aligned_output_features_output_indices} (transformers 4.57.6), which a
 * backbone config ({@code ResNetConfig}) runs in its {@code __init__}, so every class of the family refuses what it
 * refuses: {@code out_features} must be stage names, without duplicates, in stage order; {@code out_indices}
 * valid indices (negative ones count from the end), without duplicates, in order; both, when set, the same
 * stages. Neither set: the last stage.
 */
final class BackboneOutputs {
    private BackboneOutputs() {
    }

    /** The aligned {@code out_indices} (non-negative, in stage order) of the config's outputs. */
    static List<Integer> aligned(HfConfig c, List<String> stageNames) {
        List<String> outFeatures = strings(c.node("out_features"));
        List<Long> outIndices = longs(c.node("out_indices"));
        verify(outFeatures, outIndices, stageNames);
        if (outFeatures == null && outIndices == null) {
            outIndices = List.of((long) stageNames.size() - 1);
            outFeatures = List.of(stageNames.get(stageNames.size() - 1));
        } else if (outIndices == null) {
            outIndices = outFeatures.stream().map(f -> (long) stageNames.indexOf(f)).collect(Collectors.toList());
        } else if (outFeatures == null) {
            outFeatures = outIndices.stream().map(i -> stageNames.get(positive(i, stageNames.size())))
                    .collect(Collectors.toList());
        }
        verify(outFeatures, outIndices, stageNames);
        List<Integer> indices = new ArrayList<>();
        for (String feature : outFeatures) {
            indices.add(stageNames.indexOf(feature));
        }
        return indices;
    }

    private static int positive(long index, int size) {
        return (int) (index < 0 ? Math.floorMod(index, size) : index);
    }

    private static void verify(List<String> outFeatures, List<Long> outIndices, List<String> stageNames) {
        String names = repr(stageNames);
        if (outFeatures != null) {
            if (!stageNames.containsAll(outFeatures)) {
                throw refused("out_features must be a subset of stage_names: " + names + " got "
                        + repr(outFeatures));
            }
            if (new HashSet<>(outFeatures).size() != outFeatures.size()) {
                throw refused("out_features must not contain any duplicates, got " + repr(outFeatures));
            }
            List<String> sorted = stageNames.stream().filter(outFeatures::contains).collect(Collectors.toList());
            if (!sorted.equals(outFeatures)) {
                throw refused("out_features must be in the same order as stage_names, expected " + repr(sorted)
                        + " got " + repr(outFeatures));
            }
        }
        if (outIndices != null) {
            List<Long> positive = new ArrayList<>();
            for (long i : outIndices) {
                positive.add(i < 0 ? Math.floorMod(i, (long) stageNames.size()) : i);
            }
            if (positive.stream().anyMatch(i -> i != 0 && (i < 0 || i >= stageNames.size()))) {
                throw refused("out_indices must be valid indices for stage_names " + names + ", got " + outIndices);
            }
            if (new HashSet<>(positive).size() != positive.size()) {
                throw refused("out_indices must not contain any duplicates, got " + outIndices);
            }
            List<Long> sorted = new ArrayList<>(positive);
            sorted.sort(null);
            if (!sorted.equals(positive)) {
                throw refused("out_indices must be in the same order as stage_names, got " + outIndices);
            }
        }
        if (outFeatures != null && outIndices != null) {
            if (outFeatures.size() != outIndices.size()) {
                throw refused("out_features and out_indices should have the same length if both are set");
            }
            for (int i = 0; i < outIndices.size(); i++) {
                long index = outIndices.get(i);
                // stage_names[idx]: Python indexing, negative from the end
                long at = index < 0 ? index + stageNames.size() : index;
                if (at < 0 || at >= stageNames.size() || !stageNames.get((int) at).equals(outFeatures.get(i))) {
                    throw refused("out_features and out_indices should correspond to the same stages if both are "
                            + "set");
                }
            }
        }
    }

    private static ConfigException refused(String message) {
        return new ConfigException(message);
    }

    /** A Python list of strings: {@code ['stem', 'stage1']}. */
    private static String repr(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw refused("out_features must be a list got " + pythonType(node));
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            values.add(item.isTextual() ? item.textValue() : item.toString());
        }
        return values;
    }

    private static List<Long> longs(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw refused("out_indices must be a list, got " + pythonType(node));
        }
        List<Long> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isIntegralNumber() || !item.canConvertToLong()) {
                throw new ConfigException("Config key 'out_indices' must be a list of integers; got " + node + ".");
            }
            values.add(item.longValue());
        }
        return values;
    }

    private static String pythonType(JsonNode node) {
        String name = node.isTextual() ? "str" : node.isIntegralNumber() ? "int" : node.isNumber() ? "float"
                : node.isBoolean() ? "bool" : node.isObject() ? "dict" : "NoneType";
        return "<class '" + name + "'>";
    }
}
