package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.format.pickle.PickleInput;
import dev.modelsummary.format.pickle.PickleScanBuilder;
import dev.modelsummary.format.pickle.Unpickler;
import dev.modelsummary.format.zip.ZipDirectory;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A ZIP archive that no other reader claims but that holds {@code *.pkl} / {@code *.pickle} members: every such
 * member is scanned for the pickle safety scan (nothing executed) and the model has no tensors. Claimed by a
 * first record named {@code *.pkl}/{@code *.pickle}, or by a {@code .zip} name.
 */
public final class PickleZipReader implements WeightReader {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final int LOCAL_HEADER_BYTES = 30;

    @Override
    public String format() {
        return PickleFileReader.FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(".zip");
    }

    @Override
    public boolean sniff(byte[] head, long fileSize) {
        if (head.length < LOCAL_HEADER_BYTES
                || !Arrays.equals(head, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
            return false;
        }
        int nameLength = (head[26] & 0xff) | (head[27] & 0xff) << 8;
        if (head.length < LOCAL_HEADER_BYTES + nameLength) {
            return false;
        }
        return isPickle(new String(head, LOCAL_HEADER_BYTES, nameLength, StandardCharsets.UTF_8));
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        PickleScanBuilder scan = new PickleScanBuilder(TorchPickleSafety.STANDARD);
        try (SeekableByteChannel channel = opener.open(path)) {
            ZipDirectory zip = ZipDirectory.read(channel);
            int scanned = 0;
            for (ZipDirectory.Entry member : zip.entries()) {
                if (!isPickle(member.name())) {
                    continue;
                }
                if (scanned++ == Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("ZIP archive holds more than '" + Limits.current().getInt(Limit.TENSORS)
                            + "' pickle members, the limit (" + Limit.TENSORS.raise() + ").");
                }
                scanMember(channel, zip, member, scan);
            }
        }
        if (scan.isEmpty()) {
            throw new FormatException("ZIP archive holds no .pkl or .pickle members.");
        }
        List<String> warnings = new ArrayList<>();
        if (scan.leftOutWarning() != null) {
            warnings.add(scan.leftOutWarning());
        }
        FileDetails details = FileDetails.NONE.withPickle(scan.build()).withNotes(List.of("The archive's pickle "
                + "members were scanned for the pickle safety scan; a generic ZIP archive's contents are not listed."));
        return new Model(FileNames.stem(path), PickleFileReader.FORMAT, path.toString(), List.of(), warnings, details);
    }

    private static void scanMember(SeekableByteChannel channel, ZipDirectory zip, ZipDirectory.Entry member,
                                   PickleScanBuilder scan) throws IOException {
        try (InputStream in = zip.open(channel, member)) {
            Unpickler unpickler = new Unpickler(new PickleInput(in, member.size()), TorchGlobals.ALLOWLIST, null);
            unpickler.load();
            scan.add(unpickler, member.name(), member.size());
        } catch (FormatException e) {
            throw new FormatException("Member " + Quote.of(member.name()) + ": " + e.getMessage(), e);
        }
    }

    private static boolean isPickle(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".pkl") || lower.endsWith(".pickle");
    }
}
