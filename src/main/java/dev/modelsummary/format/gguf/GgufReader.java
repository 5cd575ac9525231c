package dev.modelsummary.format.gguf;

import dev.modelsummary.format.ChannelOpener;
import dev.modelsummary.format.Facts;
import dev.modelsummary.format.FileNames;
import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;
import dev.modelsummary.format.SiblingFiles;
import dev.modelsummary.format.WeightReader;
import dev.modelsummary.model.Fact;
import dev.modelsummary.model.FileDetails;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.MoeRouting;
import dev.modelsummary.model.TensorEntry;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads GGUF headers (versions 1 to 3): one {@code .gguf} file, or all the splits of a model split by
 * llama.cpp's gguf-split ({@code <prefix>-00001-of-00003.gguf} ...) when the path names one of them. Only the
 * header and tensor infos are read, never tensor data.
 *
 * <p>Every tensor is a trainable parameter (GGUF has no buffers), named as the file names it, with its shape
 * reversed from ggml's innermost-first order into PyTorch's order. The few metadata values worth keeping come
 * back from {@link #readWithMetadata} as a {@link GgufMetadata}, and become the model's header facts
 * ({@link #facts}): architecture, name, file type, quantization version, context length, GGUF version, splits.
 */
public final class GgufReader implements WeightReader {
    public static final String FORMAT = "gguf";
    private static final String EXTENSION = ".gguf";
    /** gguf-split's file names: {@code <prefix>-%05d-of-%05d.gguf}, numbered from 1. */
    private static final Pattern SPLIT = Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.gguf");

    /** A model and the metadata of its (first) file. */
    public record Read(Model model, GgufMetadata metadata) {
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<String> extensions() {
        return List.of(EXTENSION);
    }

    /** Bytes 0-3 are {@code GGUF}. */
    @Override
    public boolean sniff(byte[] head, long fileSize) {
        return head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
    }

    @Override
    public Model read(Path path, ChannelOpener opener) throws IOException {
        return readWithMetadata(path, opener).model();
    }

    public Read readWithMetadata(Path path, ChannelOpener opener) throws IOException {
        Path fileName = path.getFileName();
        Matcher split = fileName == null ? null : SPLIT.matcher(fileName.toString());
        if (split == null || !split.matches()) {
            GgufHeader.File file = readFile(path, opener);
            List<TensorEntry> tensors = new ArrayList<>(file.tensors().size());
            file.tensors().forEach(t -> tensors.add(entry(t)));
            return new Read(model(FileNames.stem(path), path, tensors, file.warnings(), file.metadata(), 1),
                    file.metadata());
        }
        return readSplits(path, split.group(1), Integer.parseInt(split.group(2)), Integer.parseInt(split.group(3)),
                opener);
    }

    /**
     * Splits 1 to {@code count} in order, each a complete GGUF file; tensor names must not repeat across them,
     * and {@code split.count}, {@code split.no} and (in the first) {@code split.tensors.count} must agree
     * where present.
     */
    private Read readSplits(Path path, String prefix, int number, int count, ChannelOpener opener)
            throws IOException {
        if (number < 1 || number > count) {
            throw new FormatException("Split file name says part '" + number + "' of '" + count + "'.");
        }
        SiblingFiles.checkCount(count - 1L, "Split file name");
        Path directory = path.toAbsolutePath().getParent();
        Map<String, String> splitOf = new HashMap<>();
        List<TensorEntry> tensors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        GgufMetadata first = null;
        for (int i = 1; i <= count; i++) {
            String name = String.format(Locale.ROOT, "%s-%05d-of-%05d.gguf", prefix, i, count);
            // the named part is read as named (the user chose it, link or not); the others must be in its folder
            Path file = i == number ? path : directory.resolve(name);
            if (i != number) {
                SiblingFiles.checkInside(directory, file, "Split " + Quote.of(name));
            }
            GgufHeader.File split = readSplit(file, name, opener);
            GgufMetadata m = split.metadata();
            if (m.splitCount() != null && m.splitCount() != count) {
                throw new FormatException("Split " + Quote.of(name) + " says 'split.count' is '" + m.splitCount()
                        + "'; its name says '" + count + "'.");
            }
            if (m.splitNo() != null && m.splitNo() != i - 1) {
                throw new FormatException("Split " + Quote.of(name) + " says 'split.no' is '" + m.splitNo()
                        + "'; its name says '" + (i - 1) + "' (0-based).");
            }
            if (first == null) {
                first = m;
            }
            split.warnings().forEach(w -> warnings.add("Split " + Quote.of(name) + ": " + w));
            for (GgufHeader.Tensor t : split.tensors()) {
                String earlier = splitOf.putIfAbsent(t.name(), name);
                if (earlier != null) {
                    throw new FormatException("Tensor " + Quote.of(t.name()) + " is in both " + Quote.of(earlier)
                            + " and " + Quote.of(name) + ".");
                }
                if (tensors.size() == Limits.current().getInt(Limit.TENSORS)) {
                    throw new FormatException("Splits list more than '" + Limits.current().getInt(Limit.TENSORS)
                            + "' tensors, the limit (" + Limit.TENSORS.raise() + ").");
                }
                tensors.add(entry(t));
            }
        }
        if (first.splitTensors() != null && first.splitTensors() != tensors.size()) {
            throw new FormatException("The first split says 'split.tensors.count' is '" + first.splitTensors()
                    + "'; the splits hold '" + tensors.size() + "' tensors.");
        }
        return new Read(model(prefix, path, tensors, warnings, first, count), first);
    }

    /** One split; its problems are reported with its name. Only regular files are opened. */
    private static GgufHeader.File readSplit(Path file, String name, ChannelOpener opener) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new FormatException("Split " + Quote.of(name) + " is not a regular file.");
        }
        try {
            return readFile(file, opener);
        } catch (NoSuchFileException e) {
            throw new FormatException("Split " + Quote.of(name) + " does not exist.", e);
        } catch (FormatException e) {
            throw new FormatException("Split " + Quote.of(name) + ": " + e.getMessage(), e);
        }
    }

    private static GgufHeader.File readFile(Path file, ChannelOpener opener) throws IOException {
        try (SeekableByteChannel channel = opener.open(file)) {
            return GgufHeader.read(channel);
        }
    }

    private static TensorEntry entry(GgufHeader.Tensor t) {
        return TensorEntry.parameter(t.name(), t.shape(), t.dtype(), true);
    }

    private static Model model(String name, Path source, List<TensorEntry> tensors, List<String> warnings,
                               GgufMetadata metadata, int files) {
        MoeRouting experts = experts(metadata);
        return new Model(name, FORMAT, source.toString(), tensors, warnings)
                .withDetails(FileDetails.NONE.withFacts(facts(metadata, experts, files)).withExperts(experts));
    }

    /**
     * The routing {@code expert_count} and {@code expert_used_count} declare, or null for a dense model (no keys,
     * or 0 experts as some converters write) or values llama.cpp refuses (more used than there are).
     */
    static MoeRouting experts(GgufMetadata m) {
        Long experts = m.expertCount();
        Long used = m.expertUsedCount();
        if (experts == null || used == null || experts <= 0 || used <= 0 || used > experts) {
            return null;
        }
        return new MoeRouting(experts, used);
    }

    /**
     * The header lines a GGUF file gives, in the order llama.cpp prints them when it loads one; keys the file
     * lacks are left out. Text values are the file's, cut by {@link Facts}.
     *
     * @param files how many gguf-split parts were read (1 for a lone file)
     */
    /** {@code experts}: the routing {@link #experts} read from {@code m}, or null. */
    static List<Fact> facts(GgufMetadata m, MoeRouting experts, int files) {
        List<Fact> facts = new ArrayList<>();
        if (m.architecture() != null) {
            facts.add(Facts.of("architecture", m.architecture()));
        }
        if (m.name() != null) {
            facts.add(Facts.of("name", m.name()));
        }
        if (m.fileType() != null) {
            facts.add(new Fact("file type", GgufFileType.describe(m.fileType())));
        }
        if (m.quantizationVersion() != null) {
            facts.add(new Fact("quantization version", Long.toString(m.quantizationVersion())));
        }
        if (m.contextLength() != null) {
            facts.add(new Fact("context length", Long.toString(m.contextLength())));
        }
        if (experts != null) {
            facts.add(new Fact("experts", experts.expertsPerToken() + " of " + experts.experts() + " per token"));
        }
        facts.add(new Fact("GGUF version", Integer.toString(m.version())));
        if (files > 1) {
            facts.add(new Fact("split", files + " files"));
        }
        return facts;
    }
}
