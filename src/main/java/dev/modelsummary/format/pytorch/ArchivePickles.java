package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.pickle.Allowlist;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The pickles of a torch ZIP archive that the listing does not need ({@code bytecode.pkl} of a mobile archive,
 * or any other {@code *.pkl} record a crafted archive carries): each is unpickled by the same restricted
 * unpickler, only for the safety scan, so an import hidden in one of them reaches the verdict as one in
 * {@code data.pkl} would. Together they are held to the pickle-bytes limit.
 */
final class ArchivePickles {
    private static final String PICKLE_SUFFIX = ".pkl";
    /** What a persistent id resolves to when only the scan is wanted: nothing is looked up. */
    private static final Object NO_STORAGE = new Object();

    private ArchivePickles() {
    }

    /**
     * Scans every {@code *.pkl} record not in {@code alreadyRead}.
     *
     * @return a warning for each record that is not a pickle the unpickler reads to its STOP (torch never reads
     *         such a record, so it does not make the file unreadable, but it was not scanned)
     * @throws FormatException when they add up past {@link Limit#PICKLE_BYTES}
     */
    static List<String> scanOthers(SeekableByteChannel channel, ZipDirectory directory, Set<String> alreadyRead,
                           Allowlist allowlist, PickleScanBuilder scan) throws IOException {
        long limit = Limits.current().get(Limit.PICKLE_BYTES);
        long read = 0;
        List<String> warnings = new ArrayList<>();
        for (ZipDirectory.Entry entry : directory.entries()) {
            if (!entry.name().toLowerCase(Locale.ROOT).endsWith(PICKLE_SUFFIX) || alreadyRead.contains(entry.name())) {
                continue;
            }
            if (entry.size() > limit - read) {
                throw new FormatException("The archive's other pickles (" + Quote.of(entry.name())
                        + " and those before it) add up to more than " + limit + " bytes, over the pickle-bytes limit "
                        + "(" + Limit.PICKLE_BYTES.raise() + ").");
            }
            read += entry.size();
            try (InputStream in = directory.open(channel, entry)) {
                Unpickler unpickler = new Unpickler(new PickleInput(in, entry.size()), allowlist, pid -> NO_STORAGE);
                try {
                    unpickler.load();
                } catch (FormatException e) {
                    warnings.add("Record " + Quote.of(entry.name()) + " is not a pickle that could be scanned ("
                            + e.getMessage() + ")");
                    continue;
                }
                scan.add(unpickler, entry.name(), entry.size());
            }
        }
        return warnings;
    }
}
