package dev.modelsummary.format.numpy;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.pytorch.TorchPickleSafety;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Object arrays ({@code np.save(..., allow_pickle=True)} of dtype {@code |O}): their data is a pickle of the
 * array. It is scanned (never executed) for the safety scan; the array is not weights, so it is listed as a
 * note, not a tensor. The pickle's extent is the rest of the file or member, so bytes after its STOP are a
 * trailer.
 */
final class ObjectArrays {
    private static final Allowlist PLAIN = Allowlist.python().build();

    private final PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD);
    private final List<String> names = new ArrayList<>();

    /**
     * Scans one object array's pickle.
     *
     * @param name  the array's name
     * @param where the file or member holding it, for a trailer
     * @param data  its bytes after the .npy header; closed here
     */
    void scan(String name, String where, InputStream data, long length) throws IOException {
        if (length > Limits.current().get(Limit.PICKLE_BYTES)) {
            throw new FormatException("Object array " + Quote.of(name) + " is a pickle of " + length
                    + " bytes, over the limit of " + Limits.current().get(Limit.PICKLE_BYTES)
                    + " (" + Limit.PICKLE_BYTES.raise() + ").");
        }
        try (InputStream in = data) {
            Unpickler unpickler = new Unpickler(new PickleInput(in, length), PLAIN, null);
            unpickler.load();
            scan.add(unpickler, where, length);
        }
        names.add(name);
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    /** The scan, and one note naming the object arrays (a few shown, the rest counted). */
    FileDetails details() {
        int shown = Math.min(names.size(), 5);
        StringBuilder note = new StringBuilder();
        note.append(names.size() == 1 ? "1 object array (" : names.size() + " object arrays (");
        for (int i = 0; i < shown; i++) {
            note.append(i > 0 ? ", " : "").append(Quote.of(names.get(i)));
        }
        if (names.size() > shown) {
            note.append(", ...");
        }
        note.append(names.size() == 1 ? ") holds" : ") hold")
                .append(" pickled Python objects, not weights: scanned for the pickle safety scan, not listed.");
        return FileDetails.NONE.withPickle(scan.build()).withNotes(List.of(note.toString()));
    }

    List<String> warnings() {
        String leftOut = scan.leftOutWarning();
        return leftOut == null ? List.of() : List.of(leftOut);
    }
}
