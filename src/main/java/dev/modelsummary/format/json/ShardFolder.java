package dev.modelsummary.format.json;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.text.Quote;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A folder of shards as Hugging Face lays them out, whatever the shards' format: which files it holds and which
 * of its shard indexes to read. The safetensors and torch shard readers share it.
 */
public final class ShardFolder {
    private ShardFolder() {
    }

    /** Regular files whose lower-cased name passes {@code test}, in sorted file-name order. */
    public static List<Path> list(Path directory, Predicate<String> test) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path p : stream) {
                Path name = p.getFileName();
                if (name != null && test.test(name.toString().toLowerCase(Locale.ROOT)) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /**
     * The index to read among {@code indexes} (files of {@code directory}): the one named {@code preferred},
     * else the only one; empty when there is none.
     *
     * @throws FormatException when there are several and none is the preferred one
     */
    public static Optional<Path> chooseIndex(Path directory, List<Path> indexes, String preferred)
            throws FormatException {
        Path named = directory.resolve(preferred);
        if (indexes.contains(named)) {
            return Optional.of(named);
        }
        if (indexes.size() > 1) {
            throw new FormatException("Directory holds several shard indexes (" + indexes.stream()
                    .map(p -> Quote.of(p.getFileName())).collect(Collectors.joining(", "))
                    + ") and none is named '" + preferred + "'; name the one to read.");
        }
        return indexes.stream().findFirst();
    }
}
