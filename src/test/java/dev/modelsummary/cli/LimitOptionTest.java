package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.format.Limit;
import dev.modelsummary.testutil.Resources;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --limit NAME=N} of every declared limit reaches the reader that checks it: a small real fixture, read
 * under the default, is refused (exit 3) once the limit is lowered below what it needs, naming the
 * {@code --limit NAME=N} that raises it. Names and values that are not a limit's are usage errors (exit 2).
 */
class LimitOptionTest {
    /** For each limit, a small fixture (under {@code fixtures/}) and a value it is over. */
    private static final Map<Limit, String> OVER = Map.ofEntries(
            Map.entry(Limit.SAFETENSORS_HEADER_BYTES, "safetensors/reference_attn0.safetensors=1"),
            Map.entry(Limit.TENSORS, "numpy/structured_latin1.npy=1"),
            Map.entry(Limit.RANK, "safetensors/reference_attn0.safetensors=1"),
            Map.entry(Limit.INDEX_JSON_BYTES, "tfjs/sharded/model.json=1"),
            Map.entry(Limit.ZIP_ENTRIES, "numpy/zip64.npz=1"),
            Map.entry(Limit.ZIP_CENTRAL_DIRECTORY_BYTES, "numpy/zip64.npz=1"),
            Map.entry(Limit.PICKLE_BYTES, "torchscript/empty.pt=1"),
            Map.entry(Limit.PICKLE_VALUES, "torchscript/empty.pt=1"),
            Map.entry(Limit.PICKLE_DEPTH, "checkpoint/tied_lm_state_dict.pth=1"),
            Map.entry(Limit.PICKLE_INT_BYTES, "checkpoint/legacy_state_dict.pth=1"),
            // 8 bytes: enough for the storage keys, not for 'fc.weight'
            Map.entry(Limit.PICKLE_KEPT_TEXT_BYTES, "pytorch/resnet18.pth=8"),
            Map.entry(Limit.TENSOR_NAME_CHARS, "onnx/packed_dims.onnx=1"),
            Map.entry(Limit.GGUF_METADATA_KEYS, "gguf/written_by_gguf_py.gguf=1"),
            Map.entry(Limit.GGUF_METADATA_KEY_BYTES, "gguf/written_by_gguf_py.gguf=1"),
            Map.entry(Limit.NPY_HEADER_CHARS, "numpy/empty_i8.npy=1"),
            Map.entry(Limit.NPY_HEADER_DEPTH, "numpy/empty_i8.npy=1"),
            Map.entry(Limit.TFJS_JSON_DEPTH, "tfjs/sharded/model.json=1"),
            Map.entry(Limit.TFJS_STRING_CHARS, "tfjs/sharded/model.json=1"),
            Map.entry(Limit.KERAS_CONFIG_BYTES, "keras/bf16.keras=1"),
            Map.entry(Limit.HDF5_GROUP_DEPTH, "keras/bf16.keras=1"),
            Map.entry(Limit.HDF5_GROUPS, "keras/bf16.keras=1"),
            Map.entry(Limit.SHARD_FILES, "tfjs/sharded/model.json=1"),
            Map.entry(Limit.TORCHSCRIPT_CODE_BYTES, "torchscript/empty.pt=1"),
            Map.entry(Limit.JSON_STRING_BYTES, "safetensors/reference_attn0.safetensors=1"),
            Map.entry(Limit.HDF5_NODE_REREADS, "keras/hostile/btree_dag.weights.h5=5"),
            Map.entry(Limit.HDF5_REREAD_BYTES, "keras/hostile/links.weights.h5=1"));

    /**
     * Limits no local file is refused at: remote-bytes bounds a URL's responses (RemoteBoundsTest lowers it with
     * --limit against a local server), and pickle-global-warnings shortens a warning list, never refuses
     * (UnpicklerTest lowers it).
     */
    private static final Set<Limit> NOT_A_LOCAL_REFUSAL = EnumSet.of(Limit.REMOTE_BYTES, Limit.PICKLE_GLOBAL_WARNINGS);

    @Test
    void everyLimitHasAFixtureOverIt() {
        EnumSet<Limit> covered = EnumSet.copyOf(OVER.keySet());
        covered.addAll(NOT_A_LOCAL_REFUSAL);

        assertThat(covered).containsExactlyInAnyOrder(Limit.values());
    }

    @ParameterizedTest
    @EnumSource(Limit.class)
    void aLoweredLimitRefusesASmallFileNamingIt(Limit limit) {
        String over = OVER.get(limit);
        if (over == null) {
            return;
        }
        int equals = over.lastIndexOf('=');
        String file = Resources.path("fixtures/" + over.substring(0, equals)).toString();
        String value = over.substring(equals + 1);

        CliRun defaults = CliRun.of(file, "-f", "text");
        CliRun lowered = CliRun.of(file, "-f", "text", "--limit", limit.optionName() + "=" + value);

        // btree_dag is hostile: refused at the default too, at 10,000 re-reads (no real file re-reads a node)
        assertThat(defaults.exitCode()).as(defaults.err())
                .isEqualTo(limit == Limit.HDF5_NODE_REREADS ? ExitCode.INPUT : 0);
        assertThat(defaults.err()).isNotEqualTo(lowered.err());
        assertThat(lowered.exitCode()).as(lowered.err()).isEqualTo(ExitCode.INPUT);
        assertThat(lowered.out()).isEmpty();
        assertThat(lowered.err()).startsWith("model-summary: " + file + ": ").contains(limit.raise())
                .endsWith(").\n").hasLineCount(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tensorz=5|--limit 'tensorz': no limit 'tensorz'; did you mean 'tensors'? (model-summary --help-limits "
                    + "lists them).",
            "HDF5-GROUPS=5|--limit 'HDF5-GROUPS': no limit 'HDF5-GROUPS'; did you mean 'hdf5-groups'? "
                    + "(model-summary --help-limits lists them).",
            "rank=0|--limit 'rank': limit rank must be at least 1.",
            "rank=-2|--limit 'rank': limit rank must be at least 1.",
            "rank=2147483640|--limit 'rank': limit rank can be at most 2147483639.",
            "rank=abc|--limit 'rank': limit rank takes a whole number, not 'abc'.",
            "rank=1.5|--limit 'rank': limit rank takes a whole number, not '1.5'.",
            "rank=|--limit 'rank': limit rank takes a whole number, not ''.",
            "remote-bytes=9223372036854775808|--limit 'remote-bytes': limit remote-bytes takes a whole number, not "
                    + "'9223372036854775808'."})
    void aNameOrValueThatIsNotALimitsIsAUsageError(String option, String message) {
        CliRun run = CliRun.of("vit_l_16", "--limit", option);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: " + message + "\n");
    }

    @Test
    void theLargestValueALimitTakesIsAccepted() {
        assertThat(CliRun.of("vit_l_16", "--limit", "tensors=2147483639", "--limit",
                "remote-bytes=9223372036854775807").exitCode()).isZero();
    }
}
