package dev.modelsummary.report;

import dev.modelsummary.model.CheckpointContents;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.PickleScan;
import dev.modelsummary.model.PickleScan.Verdict;
import dev.modelsummary.summary.DTypeStat;
import dev.modelsummary.summary.Summary;
import dev.modelsummary.text.Counts;
import dev.modelsummary.text.Quote;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sentences every report (and the CLI's warnings) uses for what a file says besides its tensors, so that
 * text, Markdown and stderr say the same thing in the same words. Names in them come from files: each is
 * quoted and cut ({@link Quote#of}) and lists stop after {@link #NAMES_SHOWN}.
 */
public final class DetailLines {
    /** How many global names a sentence spells out before "and N more". */
    static final int NAMES_SHOWN = 5;

    /** The bytes-by-dtype table's columns ({@link #dtypeRow}). */
    static final List<String> DTYPE_COLUMNS = List.of("DType", "Tensors", "Elements", "Bytes");
    /** The checkpoint-contents table's columns ({@link #checkpointRow}). */
    static final List<String> CHECKPOINT_COLUMNS = List.of("Entry", "Kind", "Tensors", "Elements", "Bytes");

    private DetailLines() {
    }

    /**
     * {@code 53.44 KiB (54,718 B), 5.72 bits per parameter}: parameters and buffers as stored, the exact count
     * beside the binary units from 1 KiB on, and the stored bits per parameter when there are parameters.
     */
    public static String stored(Summary summary) {
        long bytes = summary.storedBytes();
        String exact = bytes < 1024 ? "" : " (" + Counts.grouped(bytes) + " B)";
        return TextReport.humanBytes(bytes) + exact
                + summary.bitsPerParameter().map(b -> ", " + b.toPlainString() + " bits per parameter").orElse("");
    }

    /**
     * One dtype's row under {@link #DTYPE_COLUMNS}. A block type (GGUF's q4_k: 144 bytes per 256 elements)
     * counts the elements it encodes and the bytes of its whole blocks, so its bytes over its elements are its
     * bits per element.
     */
    static String[] dtypeRow(DTypeStat d) {
        return new String[] {d.dtype().torchName(), Counts.grouped(d.tensors()), Counts.grouped(d.count()),
                TextReport.humanBytes(d.bytes())};
    }

    /** One checkpoint entry's row under {@link #CHECKPOINT_COLUMNS}, its name and kind as the file spells them. */
    static String[] checkpointRow(CheckpointContents.Entry e) {
        return new String[] {e.name(), e.kind(), Counts.grouped(e.tensors()), Counts.grouped(e.elements()),
                TextReport.humanBytes(e.bytes())};
    }

    /**
     * {@code 1 pickle, 4 globals: 2 allowed, 1 unknown ('my.Net'), 1 dangerous ('os.system').}
     */
    public static String pickleVerdict(PickleScan scan) {
        List<String> parts = new ArrayList<>();
        for (Verdict verdict : Verdict.values()) {
            List<String> names = scan.named(verdict);
            if (names.isEmpty()) {
                continue;
            }
            String part = names.size() + " " + verdict.jsonName();
            parts.add(verdict == Verdict.ALLOWED ? part : part + " (" + nameList(names) + ")");
        }
        String pickles = count(scan.pickles(), "pickle", "pickles");
        if (scan.imports().isEmpty()) {
            return pickles + ", no globals imported.";
        }
        return pickles + ", " + count(scan.imports().size(), "global", "globals") + " imported: "
                + String.join(", ", parts) + ".";
    }

    /**
     * What stderr says of a model besides its report, in this order: the reader's warnings, data hidden after a
     * pickle's STOP, and, with {@code dangerToo}, a dangerous import ({@code --strict} makes that an error
     * instead).
     */
    public static List<String> warnings(Model model, boolean dangerToo) {
        List<String> lines = new ArrayList<>(model.warnings());
        PickleScan scan = model.details().pickle();
        if (scan != null) {
            lines.addAll(afterStop(scan));
            if (dangerToo && scan.dangerous()) {
                lines.add(dangerWarning(scan));
            }
        }
        return lines;
    }

    /** One sentence per pickle with bytes after its STOP opcode. */
    public static List<String> afterStop(PickleScan scan) {
        List<String> lines = new ArrayList<>();
        for (PickleScan.Trailer trailer : scan.afterStop()) {
            lines.add("pickle " + Quote.of(trailer.pickle()) + " has " + count(trailer.bytes(), "byte", "bytes")
                    + " after its STOP opcode, which loaders never read and a payload can hide in.");
        }
        return lines;
    }

    /** The warning a dangerous import gets on stderr. */
    public static String dangerWarning(PickleScan scan) {
        return "pickle imports " + nameList(scan.named(Verdict.DANGEROUS)) + ", which can run code: never load "
                + "this file with torch.load(weights_only=False) or pickle.load (nothing was executed here).";
    }

    /** {@code model read from 'state_dict'}, or that the whole file is the model. */
    public static String checkpointKey(CheckpointContents checkpoint) {
        return checkpoint.key() == null ? "the whole file is the model's state dict"
                : "model read from " + Quote.of(checkpoint.key());
    }

    /** {@code 'a', 'b', 'c' and 2 more}. */
    static String nameList(List<String> names) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(names.size(), NAMES_SHOWN);
        for (int i = 0; i < shown; i++) {
            out.append(i == 0 ? "" : ", ").append(Quote.of(names.get(i)));
        }
        if (names.size() > shown) {
            out.append(" and ").append(names.size() - shown).append(" more");
        }
        return out.toString();
    }

    static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
