package dev.modelsummary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelsummary.testutil.Resources;
import org.junit.jupiter.api.Test;

/** {@code --key}: an entry of a PyTorch checkpoint read as the model; a usage error anywhere else. */
class CheckpointKeyCliTest {
    private static final String TIMM = Resources.path("fixtures/checkpoint/timm.pth").toString();

    @Test
    void keyReadsTheNamedEntry() {
        CliRun byDefault = CliRun.of(TIMM, "-f", "text");
        CliRun ema = CliRun.of(TIMM, "--key", "state_dict_ema", "-f", "text");

        assertThat(ema.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ema.err()).isEmpty();
        // The EMA copy has the model's layers and totals; only the contents section says which entry was read.
        assertThat(before(ema.out(), "\nCheckpoint contents")).isEqualTo(before(byDefault.out(), "\nCheckpoint contents"));
        assertThat(ema.out()).contains("Checkpoint contents (model read from 'state_dict_ema'):");
        assertThat(byDefault.out()).contains("Checkpoint contents (model read from 'state_dict'):");
    }

    private static String before(String text, String marker) {
        assertThat(text).contains(marker);
        return text.substring(0, text.indexOf(marker));
    }

    @Test
    void aMissingKeyIsAUsageErrorListingTheTopLevelKeys() {
        CliRun run = CliRun.of(TIMM, "--key", "ema");

        // --key comes from the command line: a key the file lacks is the command's mistake, exit 2
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("model-summary: " + TIMM + ": Checkpoint has no entry 'ema'; its "
                + "top-level keys are 'state_dict', 'state_dict_ema', 'optimizer', 'epoch', 'metric'.\n");
    }

    @Test
    void keyWithAFormatThatHasNoEntriesIsAUsageError() {
        String safetensors = Resources.path("fixtures/safetensors/all_torch_dtypes.safetensors").toString();
        CliRun run = CliRun.of(safetensors, "--key", "state_dict");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: " + safetensors + ": --key applies to PyTorch checkpoint "
                + "files (.pth, .pt, .bin, .ckpt); a safetensors file has no entries to choose from.\n");
    }

    @Test
    void keyWithATorchScriptArchiveIsAUsageError() {
        String script = Resources.path("fixtures/torchscript/custom.pt").toString();
        CliRun run = CliRun.of(script, "--key", "state_dict");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: " + script + ": --key applies to PyTorch checkpoint "
                + "files (.pth, .pt, .bin, .ckpt); a TorchScript archive (its module tree is the model) has no "
                + "entries to choose from.\n");
    }

    @Test
    void keyWithTorchShardsIsAUsageError() {
        String shards = Resources.path("fixtures/pytorch/sharded").toString();
        CliRun run = CliRun.of(shards, "--key", "state_dict");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: " + shards + ": --key applies to PyTorch checkpoint "
                + "files (.pth, .pt, .bin, .ckpt); a sharded checkpoint (its shards are plain state dicts) has no "
                + "entries to choose from.\n");
    }

    @Test
    void keyWithAllIsAUsageError() {
        CliRun run = CliRun.of("--all", "--out", "unused-never-written", "--key", "state_dict");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: --all takes no MODEL, --name, --key or builder arguments: "
                + "it writes every built-in with its defaults.\n");
    }

    @Test
    void keyWithABuiltInIsAUsageError() {
        CliRun run = CliRun.of("resnet18", "--key", "state_dict");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("model-summary: resnet18: --key applies to PyTorch checkpoint files "
                + "(.pth, .pt, .bin, .ckpt); a built-in architecture has no entries to choose from.\n");
    }
}
