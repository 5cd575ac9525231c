package dev.modelsummary.format.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.Resources;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Byte-patched HDF5 files of {@code tools/fixtures/make_keras_hostile.py} (red-team round 2, item 4): what jhdf
 * alone walked for 40 s, or allocated at 2 GiB, or refused.
 */
class KerasHostileTest {
    private static final String DIR = "fixtures/keras/hostile/";
    private final KerasReader reader = new KerasReader();

    private Model read(String file) throws IOException {
        return reader.read(Resources.path(DIR + file), ChannelOpener.FILES);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aBTreeWhoseChildrenAllPointAtOneNodeIsRefusedByItsRereadBudget() {
        // 32^6 paths through 7 distinct nodes: jhdf would walk every path
        assertThatThrownBy(() -> read("btree_dag.weights.h5")).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("HDF5 tree nodes are reached again and again (the node at address ")
                .hasMessageEndingWith("more than 10000 re-read (raise with --limit hdf5-node-rereads=N).");
    }

    @Test
    void theRereadBudgetIsTheLimit() {
        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.HDF5_NODE_REREADS, 5)
                .using(() -> read("btree_dag.weights.h5")))
                .isInstanceOf(FormatException.class).hasMessageContaining("more than 5 re-read");
    }

    @Test
    void anObjectHeaderClaimingTwoGibibytesIsRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> read("huge_header.weights.h5")).isInstanceOf(FormatException.class)
                .hasMessageContaining("Structure of 2147483632 bytes at address 3912 runs past the end of the file "
                        + "(4512 bytes)");
    }

    @Test
    void anUnallocatedDatasetIsListedWithItsDeclaredShapeAsH5pyReportsIt() throws IOException {
        Model model = read("unallocated.weights.h5");
        assertThat(model.tensors()).extracting(TensorEntry::name, t -> t.shape().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("layers/dense/vars/0", "[3, 4]"));
        assertThat(model.warnings()).contains("1 dataset(s) declared but never written: no data is stored "
                + "for them (h5py reads them as the fill value).");
    }

    @Test
    void manyLinksToOneLargeObjectHeaderAreBoundedByTheRereadBytes() throws IOException {
        // valid HDF5: 11 links to one dataset whose object header is about 60 KB
        assertThat(read("links.weights.h5").tensors()).hasSize(11);
        assertThatThrownBy(() -> Limits.DEFAULT.with(Limit.HDF5_REREAD_BYTES, 1).using(() -> read("links.weights.h5")))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("HDF5 structures are read again and again (the one at address ")
                .hasMessageEndingWith("four times the file's size plus hdf5-reread-bytes (raise with --limit "
                        + "hdf5-reread-bytes=N).");
    }

    @Test
    void realFilesReadNoTreeNodeTwice() throws IOException {
        for (String file : new String[] {"keras3.weights.h5", "legacy_full.h5", "bf16_legacy.h5"}) {
            assertThat(Limits.DEFAULT.with(Limit.HDF5_NODE_REREADS, 1)
                    .using(() -> reader.read(Resources.path("fixtures/keras/" + file), ChannelOpener.FILES))
                    .tensors()).as(file).isNotEmpty();
        }
    }
}
