package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.io.RegionInputStream;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.model.Model;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a raw pickle ({@code .pkl}, {@code .pickle}) as {@code pickle.dump} wrote it, executing nothing: its
 * safety scan always, and its NumPy arrays as tensors (Detectron's {@code {'model': {name: ndarray}, ...}} or any
 * dict of arrays, named by their dotted paths as a torch checkpoint's tensors are). The arrays' bytes are inline
 * in the pickle: long ones are skipped, never kept, so a pickle of any size is read in bounded memory, once.
 */
public final class PickleFileReader implements WeightReader {
    public static final String FORMAT = "pickle";
    private static final int PROTO = 0x80;
    /** Opcodes a pickle can hold after PROTO: every opcode of protocols 0 to 5 but PROTO itself. */
    private static final String TEXT_OPCODES = "(.0123FGIJKLMNPQRSTUVXabcdeghijlopqrstu})]";
    private static final int FIRST_BINARY_OPCODE = 0x81;
    private static final int LAST_BINARY_OPCODE = 0x98;
    private static final java.util.regex.Pattern IMPORTABLE = java.util.regex.Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");
    /** Pickles after the first that are scanned: each is bounded by the pickle limits, one at a time. */
    private static final int MAX_TRAILING_PICKLES = 1000;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".pkl", ".pickle");
    }

    /**
     * PROTO 2 to 5 then an opcode, and not a legacy torch.save stream (whose first pickle is also one). Protocol
     * 0 and 1 pickles start with no marker at all: they are read by extension only.
     */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length < 3 || (head[0] & 0xff) != PROTO || head[1] < 2 || head[1] > 5
                || TorchLegacy.startsWithMagic(head)) {
            return false;
        }
        int next = head[2] & 0xff;
        return TEXT_OPCODES.indexOf(next) >= 0 || next >= FIRST_BINARY_OPCODE && next <= LAST_BINARY_OPCODE;
    }

    /**
     * The pickles after the first one's STOP: {@code pickle.load} never reads them, but a second
     * {@code pickle.load} on the same file would, and the peer scanners (picklescan, modelscan) judge every pickle
     * in a file, so their imports are scanned too (the values are dropped). A trailer that is not a pickle ends the
     * scan; whatever globals it named before that are judged all the same.
     */
    private static void scanTrailingPickles(PickleInput input, PickleScanBuilder scan) throws IOException {
        for (int i = 0; i < MAX_TRAILING_PICKLES && input.remaining() > 0
                && scan.size() < 2 * Unpickler.MAX_IMPORTS; i++) {
            Unpickler trailing = new Unpickler(input, TorchGlobals.ALLOWLIST, null);
            try {
                trailing.load();
                scan.add(trailing);
            } catch (FormatException e) {
                // Bytes that are not a pickle (data appended to the file) can spell a GLOBAL of junk; Python
                // could import only names that are dotted identifiers, so only those are judged.
                scan.addImports(trailing, g -> IMPORTABLE.matcher(g.qualifiedName()).matches());
                return;
            }
        }
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(path)) {
            long size = channel.size();
            PickleInput input = new PickleInput(new RegionInputStream(channel, 0, size), size);
            Unpickler unpickler = new Unpickler(input, TorchGlobals.ALLOWLIST, null);
            Object root = unpickler.load();
            PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD)
                    .add(unpickler, path.getFileName().toString(), size);
            scanTrailingPickles(input, scan);
            // No warning per unknown global: the scan lists each one with its verdict.
            Unpickled unpickled = new Unpickled(NumpyArrays.withTensors(root), TorchZip.withLeftOut(List.of(), scan),
                    unpickler.spent(), scan.build());
            Model model = TorchReader.toModel(path, unpickled, null, FORMAT);
            if (!model.tensors().isEmpty()) {
                return model;
            }
            List<String> warnings = model.warnings().stream()
                    .filter(w -> !w.equals(TensorWalk.NO_STATE_DICT_WARNING)).toList();
            return new Model(model.name(), FORMAT, model.source(), List.of(), warnings, model.details()
                    .withNotes(List.of("The pickle holds no NumPy arrays or tensors; only its safety scan is shown.")));
        }
    }
}
