package dev.modelsummary.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive: the launcher runs this once with
 * {@code -XX:ArchiveClassesAtExit} after it builds the jar, so that the classes the common commands load
 * (picocli, the catalog, the reports, the safetensors, PyTorch and JSON readers) come mapped from the archive in every
 * later run instead of being parsed and verified from the jar. Not a command users run; output is discarded.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        Path dir = Files.createTempDirectory("model-summary-cds");
        try {
            Path safetensors = writeSafetensors(dir.resolve("tiny.safetensors"));
            // fixtures/pytorch/tied.pth (1.5 KB, made by tools/fixtures with torch.save): trains the zip and
            // pickle readers, the most common files people summarize
            Path pth = dir.resolve("tiny.pth");
            try (InputStream in = CdsTraining.class.getResourceAsStream("cds-training.pth")) {
                if (in != null) {
                    Files.copy(in, pth);
                }
            }
            String[][] runs = {
                {"vit_l_16"},
                {"vit_l_16", "--format", "text"},
                {"vit_l_16", "--format", "json"},
                // the forward passes on shapes: a convolutional net and a transformer, in the formats with tables
                {"resnet50", "--compute", "--format", "json"},
                {"resnet50", "--compute", "--format", "text"},
                {"gpt2", "--compute"},
                // the memory tables and a --fits search (accelerate's walk, the optimizers, the estimator), and the
                // forward passes of the most used families: each lambda of a forward that ran here is archived,
                // instead of being spun into a class on its first call (a fraction of a millisecond each)
                {"gpt2", "--memory", "--format", "text"},
                {"resnet50", "--fits", "24GiB", "--format", "json"},
                {"meta-llama/Llama-2-7b-hf", "--memory", "--format", "json"},
                {"mistralai/Mixtral-8x7B-v0.1", "--memory", "--format", "json"},
                {"vit_l_16", "--memory", "--format", "json"},
                {"bert-base-uncased", "--memory", "--format", "json"},
                {"t5-small", "--memory", "--format", "json"},
                {safetensors.toString()},
                {pth.toString()},
                {pth.toString(), "--format", "text", "--summary"},
                // a Hugging Face page: the streaming config reader and a transformer's module tree
                {"gpt2"},
                {"--help"},
            };
            for (String[] run : runs) {
                Main.execute(run, sink, sink);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A one-tensor safetensors file: an 8-byte little-endian header length, the JSON header, the data. */
    private static Path writeSafetensors(Path file) throws IOException {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[8 + header.length + 16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (header.length >>> (8 * i));
        }
        System.arraycopy(header, 0, bytes, 8, header.length);
        return Files.write(file, bytes);
    }
}
