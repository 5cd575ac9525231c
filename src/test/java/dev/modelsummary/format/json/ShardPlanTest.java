package dev.modelsummary.format.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The index-versus-shard rules both sharded readers share (their own tests check them end to end). */
class ShardPlanTest {
    private static final Path DIR = Path.of("/models/m").toAbsolutePath();

    private static ShardPlan plan(String... tensorShardPairs) {
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < tensorShardPairs.length; i += 2) {
            weightMap.put(tensorShardPairs[i], tensorShardPairs[i + 1]);
        }
        return ShardPlan.of(new ShardIndex(weightMap), DIR);
    }

    @Test
    void shardsComeInFirstMentionOrderAndTwoSpellingsOfOneFileAreOneShard() {
        ShardPlan plan = plan("z", "b.bin", "a", "a.bin", "y", "./b.bin");

        assertThat(plan.shards()).extracting(ShardPlan.Shard::name).containsExactly("b.bin", "a.bin");
        plan.check(plan.shards().get(0), List.of("y", "z")); // either spelling's tensors, in the shard's order
    }

    @Test
    void eachDisagreementHasItsMessage() {
        ShardPlan plan = plan("a", "1.bin", "b", "2.bin");
        ShardPlan.Shard first = plan.shards().get(0);

        assertThatThrownBy(() -> plan.check(first, List.of("a", "c"))).isInstanceOf(FormatException.class)
                .hasMessage("Shard '1.bin' holds tensor 'c', which the index does not list.");
        assertThatThrownBy(() -> plan.check(first, List.of("a", "b"))).isInstanceOf(FormatException.class)
                .hasMessage("Shard '1.bin' holds tensor 'b', which the index lists in shard '2.bin'.");
        assertThatThrownBy(() -> plan.check(first, List.of())).isInstanceOf(FormatException.class)
                .hasMessage("Index lists tensor 'a' in shard '1.bin', which does not hold it.");
    }

    @Test
    void withoutAnIndexANameMayBeInOneShardOnly() {
        ShardPlan.UniqueNames names = new ShardPlan.UniqueNames();
        names.add("w", "a.bin");

        assertThatThrownBy(() -> names.add("w", "b.bin")).isInstanceOf(FormatException.class)
                .hasMessage("Tensor 'w' is in both 'a.bin' and 'b.bin'.");
    }
}
