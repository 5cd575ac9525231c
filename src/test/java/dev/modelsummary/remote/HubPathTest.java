package dev.modelsummary.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubPathTest {
    @Test
    void ownerNameWithoutAFileIsTheRepositoryAtMain() {
        HubPath hub = HubPath.parse("hf://meta-llama/Llama-2-7b-hf");

        assertThat(hub).isEqualTo(new HubPath("meta-llama/Llama-2-7b-hf", "main", Optional.empty()));
        assertThat(hub.name()).isEqualTo("Llama-2-7b-hf");
        assertThat(hub.url("https://huggingface.co", "config.json"))
                .isEqualTo("https://huggingface.co/meta-llama/Llama-2-7b-hf/resolve/main/config.json");
    }

    @Test
    void aRevisionAndANestedFile() {
        HubPath hub = HubPath.parse("hf://openai-community/gpt2@v1.0/onnx/decoder_model.onnx");

        assertThat(hub).isEqualTo(new HubPath("openai-community/gpt2", "v1.0", Optional.of("onnx/decoder_model.onnx")));
    }

    @Test
    void withoutARevisionAThirdSegmentIsTheFile() {
        assertThat(HubPath.parse("hf://acme/m/sub/model.safetensors").file()).contains("sub/model.safetensors");
        assertThat(HubPath.parse("hf://gpt2").repo()).isEqualTo("gpt2");
        assertThat(HubPath.parse("hf://gpt2@main/model.safetensors").file()).contains("model.safetensors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf://", "hf://..", "hf://a/..", "hf://a..b/c", "hf://acme/a b", "hf://acme/x@",
        "hf://acme/x@../y", "hf://acme/x@main/../../secret", "hf://acme/x@main/./a", "hf://acme/x@main/a//b",
        "hf://acme/x@main/a%2e%2e", "hf://acme/x@main/a?b=c", "hf://acme/x@ma in/a", "hf://-acme/x",
        "hf://acme/x@main/a\nb"})
    void refusesWhatIsNotAPlainReference(String reference) {
        assertThatThrownBy(() -> HubPath.parse(reference)).isInstanceOf(RemoteReferenceException.class)
                .hasMessageStartingWith("hf://");
    }
}
