package dev.modelsummary.format.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.ReadOptions;
import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.testutil.MemoryOpener;
import dev.modelsummary.testutil.PickleBuilder;
import dev.modelsummary.testutil.ZipBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The selection rule (which entry is the model), {@code --key} and the checkpoint's entries, on torch.save
 * archives built byte by byte: every tensor is a float32 view of one shared storage at its own offset, so no two
 * are the same weight unless the test pickles one {@link T} twice.
 */
class CheckpointLayoutTest {
    private static final int STORAGE_FLOATS = 100_000;

    /** A float32 tensor of this shape; pickled twice, it is one weight (same storage, same view) twice. */
    record T(long... shape) {
    }

    /** An object of class {@code module.name} with this BUILD state, as {@code torch.save(model)} pickles one. */
    record Obj(String module, String name, Map<String, Object> state) {
    }

    @Test
    void aDictOfTensorsIsTheStateDictAndNotACheckpoint() throws IOException {
        Model model = read(dict("a.weight", new T(4, 2), "a.bias", new T(4)));

        assertThat(names(model)).containsExactly("a.weight", "a.bias");
        assertThat(model.details().checkpoint()).isNull();
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void oneNonTensorPerEightTensorsStillMakesAStateDict() throws IOException {
        Map<String, Object> sd = tensors("w", 8);
        sd.put("_extra_state", "x");

        assertThat(read(sd).details().checkpoint()).isNull();
        assertThat(names(read(sd))).hasSize(8);
    }

    @Test
    void onlyTorchsOwnExtraStateKeysAreNotBookkeeping() throws IOException {
        // state_dict() writes prefix + "_extra_state": any number of them beside the tensors is still a state dict
        Map<String, Object> sd = tensors("w", 2);
        sd.put("a._extra_state", "x");
        sd.put("b._extra_state", "y");
        assertThat(read(sd).details().checkpoint()).isNull();

        // a key that only ends so is a script's own bookkeeping
        Map<String, Object> top = tensors("w", 2);
        top.put("a.cache_extra_state", "x");
        top.put("b.cache_extra_state", "y");
        assertThat(read(top).details().checkpoint()).isNotNull();
    }

    @Test
    void twoNonTensorsAmongEightTensorsMakeACheckpointWithNoModelEntry() throws IOException {
        Map<String, Object> top = tensors("w", 8);
        top.put("step", 7L);
        top.put("note", "x");

        Model model = read(top);

        assertThat(names(model)).hasSize(8);
        assertThat(model.warnings()).first().isEqualTo(TensorWalk.NO_STATE_DICT_WARNING);
        assertThat(model.warnings()).hasSize(2).last().asString().startsWith("the parameter/buffer split is a guess");
        assertThat(model.details().checkpoint().key()).isNull();
        assertThat(model.details().checkpoint().entries()).extracting(CheckpointContents.Entry::kind)
                .containsExactly("tensor", "tensor", "tensor", "tensor", "tensor", "tensor", "tensor", "tensor",
                        "int", "str");
    }

    @Test
    void aLooseTensorBesideAStateDictDoesNotMakeTheTopTheModel() throws IOException {
        Model model = read(dict("model", dict("fc.weight", new T(3, 2)), "metric", new T()));

        assertThat(names(model)).containsExactly("fc.weight");
        assertThat(model.details().checkpoint().key()).isEqualTo("model");
        assertThat(model.warnings()).isEmpty();
    }

    @Test
    void theKnownKeysAreTriedInTheirOrderNotTheFilesOrder() throws IOException {
        Model model = read(dict("epoch", 3L, "ema", dict("e", new T(2)), "state_dict", dict("s", new T(2))));

        assertThat(names(model)).containsExactly("s");
        assertThat(model.details().checkpoint().key()).isEqualTo("state_dict");
        assertThat(CheckpointLayout.MODEL_KEYS.indexOf("state_dict"))
                .isLessThan(CheckpointLayout.MODEL_KEYS.indexOf("ema"));
    }

    @Test
    void aPickledModuleUnderAKnownKeyIsTheModel() throws IOException {
        Obj linear = module("torch.nn.modules.linear", "Linear", dict("weight", new T(3, 2)), dict(), dict());
        Obj net = module("__main__", "Net", dict(), dict(), dict("fc", linear));

        Model model = read(dict("epoch", 1L, "net", net));

        assertThat(names(model)).containsExactly("fc.weight");
        CheckpointContents contents = model.details().checkpoint();
        assertThat(contents.key()).isEqualTo("net");
        assertThat(contents.entries()).extracting(CheckpointContents.Entry::kind)
                .containsExactly("int", "model (__main__.Net)");
    }

    @Test
    void onlyQuantizedModulesThatWriteScaleAndZeroPointGetThem() throws IOException {
        // nnq.Linear._save_to_state_dict writes torch.tensor(self.scale) and torch.tensor(self.zero_point);
        // a reference quantized Linear is a float Linear whose qparams are buffers of their own
        Map<String, Object> quantizedAttributes = dict("training", false, "_parameters", dict(), "_buffers", dict(),
                "_modules", dict(), "scale", 0.5, "zero_point", 3L);
        Obj quantized = new Obj("torch.ao.nn.quantized.modules.linear", "Linear", quantizedAttributes);
        Obj reference = new Obj("torch.ao.nn.quantized.reference.modules.linear", "Linear", dict("training", false,
                "_parameters", dict("weight", new T(3, 2)), "_buffers", dict(), "_modules", dict(), "scale", 0.5,
                "zero_point", 3L));
        Obj layerNorm = new Obj("torch.ao.nn.quantized.modules.normalization", "LayerNorm", dict("training", false,
                "_parameters", dict("weight", new T(2)), "_buffers", dict(), "_modules", dict(), "scale", 0.5,
                "zero_point", 3L));
        Obj net = module("__main__", "Net", dict(), dict(), dict("q", quantized, "ref", reference, "ln", layerNorm));

        Model model = read(net);

        assertThat(model.tensors()).extracting(t -> t.name() + " " + t.shape().toPythonTuple() + " " + t.dtype())
                .containsExactly("q.scale () float32", "q.zero_point () int64", "ref.weight (3, 2) float32",
                        "ln.weight (2,) float32");
    }

    @Test
    void entriesAreKindedAndCountedEachTensorOnce() throws IOException {
        T shared = new T(10, 10);
        Map<String, Object> optimizer = dict("state", dict(), "param_groups", List.of(dict("lr", 0.1)));
        ((Map<Object, Object>) (Map<?, ?>) optimizer.get("state")).put(0L, dict("momentum_buffer", new T(5)));
        Map<String, Object> top = dict("state_dict", dict("w", shared, "w_again", shared, "b", new T(10)),
                "optimizer", optimizer, "args", new Obj("argparse", "Namespace", dict("lr", 0.1)),
                "best", new T(), "flag", true, "none", null, "pair", List.of(shared, shared));

        CheckpointContents contents = read(top).details().checkpoint();

        assertThat(contents.entries()).extracting(e -> e.name() + " " + e.kind() + " " + e.tensors() + " "
                + e.elements() + " " + e.bytes()).containsExactly(
                "state_dict state dict 2 110 440",
                "optimizer optimizer 1 5 20",
                "args namespace 0 0 0",
                "best tensor 1 1 4",
                "flag bool 0 0 0",
                "none None 0 0 0",
                "pair list 1 100 400");
    }

    @Test
    void pastTheEntryLimitTheRestAreSummedInOneEntry() throws IOException {
        Map<String, Object> top = dict("state_dict", dict("w", new T(2)));
        for (int i = 0; i < CheckpointEntries.MAX_ENTRIES + 4; i++) {
            top.put("k" + i, new T(3));
        }

        List<CheckpointContents.Entry> entries = read(top).details().checkpoint().entries();

        assertThat(entries).hasSize(CheckpointEntries.MAX_ENTRIES + 1);
        CheckpointContents.Entry last = entries.get(CheckpointEntries.MAX_ENTRIES);
        assertThat(last).isEqualTo(new CheckpointContents.Entry("... 5 more", "entries", 5, 15, 60));
    }

    @Test
    void aLongEntryNameIsCut() throws IOException {
        String longName = "n".repeat(5000);
        Model model = read(dict("state_dict", dict("w", new T(2)), longName, 1L));

        String name = model.details().checkpoint().entries().get(1).name();
        assertThat(name).isEqualTo("n".repeat(CheckpointEntries.MAX_TEXT_CHARS) + "...");
    }

    @Test
    void keyPicksADottedPathThroughNestedDicts() throws IOException {
        Model model = read(dict("state_dict", dict("w", new T(2)), "model", dict("ema", dict("e", new T(7)))),
                "model.ema");

        assertThat(names(model)).containsExactly("e");
        assertThat(model.details().checkpoint().key()).isEqualTo("model.ema");
    }

    @Test
    void keyTakesTheLongestKeyThatMatchesAtEachLevel() throws IOException {
        Model model = read(dict("model", dict("ema", dict("nested", new T(2))),
                "model.ema", dict("dotted", new T(3))), "model.ema");

        assertThat(names(model)).containsExactly("dotted");
    }

    @Test
    void keyIndexesListsAndModules() throws IOException {
        Obj linear = module("torch.nn.modules.linear", "Linear", dict("weight", new T(3, 2)), dict(), dict());
        Obj net = module("__main__", "Net", dict(), dict(), dict("head", linear));
        Model model = read(dict("optimizer_states", List.of(dict("m", new T(4))), "model", net),
                "optimizer_states.0");
        assertThat(names(model)).containsExactly("m");

        assertThat(names(read(dict("optimizer_states", List.of(), "model", net), "model.head")))
                .containsExactly("weight");
    }

    @Test
    void aKeyThatNamesOneTensorNamesItByThePath() throws IOException {
        Model model = read(dict("state_dict", dict("w", new T(2)), "ema", dict("fc.weight", new T(3, 4))),
                "ema.fc.weight");

        assertThat(model.tensors()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("ema.fc.weight");
            assertThat(t.shape().toPythonTuple()).isEqualTo("(3, 4)");
        });
    }

    @Test
    void aMissingKeyListsTheTopLevelKeys() {
        assertThatThrownBy(() -> read(dict("epoch", 3L, "state_dict", dict("w", new T(2))), "ema"))
                .isInstanceOf(FormatException.class)
                .hasMessage("Checkpoint has no entry 'ema'; its top-level keys are 'epoch', 'state_dict'.");
    }

    @Test
    void aMissingNestedKeyListsTheKeysWhereItStopped() {
        assertThatThrownBy(() -> read(dict("model", dict("ema", dict("w", new T(2)))), "model.emaa"))
                .hasMessage("Checkpoint has no entry 'model.emaa'; the keys of 'model' are 'ema'.");
    }

    @Test
    void theKeysListedAreBoundedAndEscaped() {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("evil\n\u001b[31m", 1L);
        for (int i = 0; i < 15; i++) {
            top.put("k" + i, 1L);
        }

        assertThatThrownBy(() -> read(top, "ema")).hasMessage("Checkpoint has no entry 'ema'; its top-level keys "
                + "are 'evil\\u000a\\u001b[31m', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', "
                + "... 4 more.");
    }

    @Test
    void aKeyThroughAValueWithoutEntries() {
        assertThatThrownBy(() -> read(dict("epoch", 3L), "epoch.x"))
                .hasMessage("Checkpoint entry 'epoch' is an int, which has no entries: it has no entry 'epoch.x'.");
    }

    @Test
    void aKeyWhoseValueHoldsNoTensors() {
        assertThatThrownBy(() -> read(dict("args", dict("lr", 0.1), "state_dict", dict("w", new T(2))), "args"))
                .hasMessage("Checkpoint entry 'args' holds no tensors (it is a dict).");
        assertThatThrownBy(() -> read(dict("arch", "resnet", "state_dict", dict("w", new T(2))), "arch"))
                .hasMessage("Checkpoint entry 'arch' holds no tensors (it is a str).");
        assertThatThrownBy(() -> read(dict("args", new Obj("argparse", "Namespace", dict("lr", 0.1))), "args"))
                .hasMessage("Checkpoint entry 'args' holds no tensors (it is an object of class "
                        + "'argparse.Namespace').");
    }

    @Test
    void aKeyIntoAFileThatIsNotADict() {
        assertThatThrownBy(() -> read(List.of(new T(2)), "model"))
                .hasMessage("Checkpoint has no entry 'model'; its top-level keys are '0'.");
        assertThatThrownBy(() -> read(new T(2), "model"))
                .hasMessage("Checkpoint is a tensor, which has no entries: it has no entry 'model'.");
    }

    /**
     * Every value of one dict is the same big dict (a memo reference costs the pickle 5 bytes): deciding whether
     * an entry is a state dict looks at the inner dict once, not once per reference. Without that, this file
     * (about 1.4 MB, well within every limit) costs 10^10 steps for each entry that holds it.
     */
    @Test
    void aDictWhoseValuesAreAllOneBigDictIsLookedAtOnce() throws IOException {
        Map<String, Object> big = new LinkedHashMap<>();
        Map<String, Object> manyRefs = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            big.put("k" + i, null);
            manyRefs.put("r" + i, big);
        }

        Model model = read(dict("state_dict", dict("w", new T(2)), "a", manyRefs, "b", manyRefs));

        assertThat(names(model)).containsExactly("w");
        assertThat(model.details().checkpoint().entries()).extracting(CheckpointContents.Entry::kind)
                .containsExactly("state dict", "dict", "dict");
    }

    // ---- building archives ----

    private static Model read(Object root) throws IOException {
        return read(root, null);
    }

    private static Model read(Object root, String key) throws IOException {
        byte[] file = new ZipBuilder().add("archive/data.pkl", pickle(root))
                .add("archive/data/0", new byte[STORAGE_FLOATS * 4])
                .add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)).build();
        return new TorchReader().read(Path.of("ckpt.pth"), new MemoryOpener(file), new ReadOptions(key));
    }

    private static List<String> names(Model model) {
        return model.tensors().stream().map(TensorEntry::name).toList();
    }

    private static byte[] pickle(Object root) {
        PickleBuilder p = PickleBuilder.protocol(2);
        write(p, root, new Offsets(), new java.util.IdentityHashMap<>());
        return p.stop().build();
    }

    /** Each distinct {@link T} gets its own offset in the storage; the same one twice gets the same. */
    private static final class Offsets {
        final Map<T, Long> byTensor = new java.util.IdentityHashMap<>();
        long next;

        long of(T t) {
            return byTensor.computeIfAbsent(t, x -> {
                long offset = next;
                next += 1000;
                return offset;
            });
        }
    }

    /** A dict written before is referenced through the memo (LONG_BINPUT / LONG_BINGET), as pickle does. */
    private static void write(PickleBuilder p, Object value, Offsets offsets, Map<Object, Integer> memo) {
        if (value instanceof Map<?, ?> && memo.containsKey(value)) {
            p.op('j').le(memo.get(value), 4);
            return;
        }
        if (value instanceof T t) {
            long[] stride = new long[t.shape().length];
            for (int i = stride.length - 1, s = 1; i >= 0; s *= (int) t.shape()[i], i--) {
                stride[i] = s;
            }
            p.tensorV2("FloatStorage", "0", STORAGE_FLOATS, offsets.of(t), t.shape(), stride);
        } else if (value instanceof Map<?, ?> map) {
            int slot = memo.size();
            memo.put(map, slot);
            p.op('}').op('r').le(slot, 4).mark();
            map.forEach((k, v) -> {
                write(p, k, offsets, memo);
                write(p, v, offsets, memo);
            });
            p.op('u');
        } else if (value instanceof List<?> list) {
            p.op(']').mark();
            list.forEach(v -> write(p, v, offsets, memo));
            p.op('e');
        } else if (value instanceof Obj obj) {
            p.global(obj.module(), obj.name()).emptyTuple().op(0x81);
            write(p, obj.state(), offsets, memo);
            p.op('b');
        } else if (value instanceof String s) {
            p.str(s);
        } else if (value instanceof Long n) {
            p.int4(n.intValue());
        } else if (value instanceof Double d) {
            p.op('G').bytes(java.nio.ByteBuffer.allocate(8).putDouble(d).array());
        } else if (value instanceof Boolean b) {
            p.op(b ? 0x88 : 0x89);
        } else if (value == null) {
            p.none();
        } else {
            throw new IllegalArgumentException(value.toString());
        }
    }

    /** An nn.Module's pickled state: its three member dicts and a flag, as torch pickles them. */
    private static Obj module(String moduleName, String className, Map<String, Object> parameters,
                              Map<String, Object> buffers, Map<String, Object> modules) {
        return new Obj(moduleName, className, dict("training", true, "_parameters", parameters,
                "_buffers", buffers, "_modules", modules));
    }

    private static Map<String, Object> tensors(String prefix, int count) {
        Map<String, Object> sd = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            sd.put(prefix + i, new T(2));
        }
        return sd;
    }

    private static Map<String, Object> dict(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
