package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A GGUF mixture of experts alone (fixtures/gguf/tiny_moe.gguf: {@code llama.expert_count} 4,
 * {@code expert_used_count} 2; stacked {@code *_exps} experts and a shared expert in block 0, llama.cpp's older
 * one-tensor-per-expert names in block 1): its active parameters come from its header and tensor names.
 */
class GgufExpertsCliTest {
    /** llama.cpp's routed expert tensors, written out independently of the reader. */
    private static final Pattern ROUTED = Pattern.compile("blk\\.\\d+\\.(ffn_\\w+_exps|ffn_(gate|up|down)\\.\\d+)"
            + "\\.weight");

    @Test
    void activeParametersAreTheSharedOnesAndTwoOfFourRoutedExperts() throws IOException {
        String file = Resources.path("fixtures/gguf/tiny_moe.gguf").toString();
        CliRun run = CliRun.of(file, "-f", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        long total = 0;
        long routed = 0;
        for (JsonNode t : json.get("tensors")) {
            long count = t.get("count").asLong();
            total += count;
            if (ROUTED.matcher(t.get("name").asText()).matches()) {
                routed += count;
            }
        }
        assertThat(routed).isEqualTo(2 * 3 * 4 * 64 * 128); // two blocks of 4 experts, 3 matrices of 64x128
        JsonNode experts = json.get("experts");
        assertThat(experts.get("routedExperts").asLong()).isEqualTo(4);
        assertThat(experts.get("expertsPerToken").asLong()).isEqualTo(2);
        assertThat(experts.get("totalParameters").asLong()).isEqualTo(total);
        assertThat(experts.get("routedParameters").asLong()).isEqualTo(routed);
        assertThat(experts.get("activeParameters").asLong()).isEqualTo(total - routed / 2);

        CliRun text = CliRun.of(file, "-f", "text");
        assertThat(text.out()).contains("experts: 2 of 4 per token", "Active:     ");
    }

    @Test
    void aDenseGgufHasNoExperts() throws IOException {
        CliRun run = CliRun.of(Resources.path("fixtures/gguf/tiny_llama.gguf").toString(), "-f", "json");
        assertThat(new ObjectMapper().readTree(run.out()).has("experts")).isFalse();
    }
}
