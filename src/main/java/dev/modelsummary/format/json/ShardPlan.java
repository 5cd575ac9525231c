package dev.modelsummary.format.json;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.text.Quote;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a shard index promises, and the check that each shard keeps the promise: one set of rules and messages
 * for every sharded format (safetensors, torch .bin). Every shard path is resolved and checked before any shard
 * is opened; then each shard, read once, must hold exactly the tensors the index gives it.
 */
public final class ShardPlan {
    /** One shard file, as the index names it and where it resolves. */
    public record Shard(Path file, String name) {
    }

    private final Map<String, String> weightMap;
    private final Map<String, Path> pathOf = new HashMap<>();
    private final Map<Path, String> nameOf = new LinkedHashMap<>(); // first-mention order, by resolved path
    private final Map<Path, List<String>> listed = new HashMap<>();

    private ShardPlan(Map<String, String> weightMap) {
        this.weightMap = weightMap;
    }

    /**
     * The shards of {@code index}, in order of first mention in {@code weight_map}.
     *
     * @throws FormatException for a shard path outside {@code directory}, or more shards than the shard-files limit
     */
    public static ShardPlan of(ShardIndex index, Path directory) {
        ShardPlan plan = new ShardPlan(index.weightMap());
        plan.weightMap.forEach((tensor, shard) -> plan.pathOf.computeIfAbsent(shard, s -> {
            Path file = ShardIndex.resolveShard(directory, s, tensor);
            plan.nameOf.putIfAbsent(file, s);
            return file;
        }));
        SiblingFiles.checkCount(plan.nameOf.size(), "Index");
        plan.weightMap.forEach((tensor, shard) ->
                plan.listed.computeIfAbsent(plan.pathOf.get(shard), p -> new ArrayList<>()).add(tensor));
        return plan;
    }

    public Map<String, String> weightMap() {
        return weightMap;
    }

    /** The shards in first-mention order; two names that resolve to one file are one shard. */
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>(nameOf.size());
        nameOf.forEach((file, name) -> shards.add(new Shard(file, name)));
        return shards;
    }

    /**
     * Checks that {@code shard} holds exactly the tensors the index lists in it.
     *
     * @param held the names of the tensors the shard holds, in its own order
     * @throws FormatException naming the first tensor on which index and shard disagree
     */
    public void check(Shard shard, Collection<String> held) {
        Set<String> holds = new HashSet<>();
        for (String tensor : held) {
            String listedShard = weightMap.get(tensor);
            if (listedShard == null) {
                throw new FormatException("Shard " + Quote.of(shard.name()) + " holds tensor " + Quote.of(tensor)
                        + ", which the index does not list.");
            }
            if (!pathOf.get(listedShard).equals(shard.file())) {
                throw new FormatException("Shard " + Quote.of(shard.name()) + " holds tensor " + Quote.of(tensor)
                        + ", which the index lists in shard " + Quote.of(listedShard) + ".");
            }
            holds.add(tensor);
        }
        for (String tensor : listed.get(shard.file())) {
            if (!holds.contains(tensor)) {
                throw new FormatException("Index lists tensor " + Quote.of(tensor) + " in shard "
                        + Quote.of(shard.name()) + ", which does not hold it.");
            }
        }
    }

    /**
     * Shards read without an index: a tensor name may be in one shard only.
     */
    public static final class UniqueNames {
        private final Map<String, String> shardOf = new HashMap<>();

        /** @throws FormatException when {@code tensor} was already in another shard */
        public void add(String tensor, String shard) {
            String earlier = shardOf.putIfAbsent(tensor, shard);
            if (earlier != null) {
                throw new FormatException("Tensor " + Quote.of(tensor) + " is in both " + Quote.of(earlier)
                        + " and " + Quote.of(shard) + ".");
            }
        }
    }
}
