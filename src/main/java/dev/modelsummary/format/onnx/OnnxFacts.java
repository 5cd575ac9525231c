package dev.modelsummary.format.onnx;

import dev.modelsummary.format.Facts;
import dev.modelsummary.model.Fact;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The header facts of a {@code ModelProto}, gathered while the model is walked: {@code ir_version} (field 1),
 * {@code producer_name} (2), {@code producer_version} (3) and {@code opset_import} (8: OperatorSetIdProto,
 * {@code domain} = 1, {@code version} = 2). Strings longer than a fact can show are skipped unread; only the
 * first few opsets are kept, the rest counted.
 */
final class OnnxFacts {
    /** Longer producer strings and domains are skipped, not read: no fact shows more than 200 characters. */
    private static final int MAX_TEXT_BYTES = 4 * Facts.MAX_VALUE_CHARS;
    /** Opsets named in the fact; real models import one to three. */
    private static final int MAX_OPSETS = 4;

    private long irVersion;
    private String producerName;
    private String producerVersion;
    private final List<String> opsets = new ArrayList<>();
    private long moreOpsets;

    void irVersion(long value) {
        irVersion = value;
    }

    void producerName(ProtoInput in) throws IOException {
        producerName = in.shortString("The model's producer_name", MAX_TEXT_BYTES);
    }

    void producerVersion(ProtoInput in) throws IOException {
        producerVersion = in.shortString("The model's producer_version", MAX_TEXT_BYTES);
    }

    /** One OperatorSetIdProto; the default domain ({@code ""}) is ONNX's own, {@code ai.onnx}. */
    void opsetImport(ProtoInput in) throws IOException {
        int old = in.enter("An opset_import");
        String domain = "";
        long version = 0;
        for (int tag = in.tag(); tag != 0; tag = in.tag()) {
            int field = ProtoInput.field(tag);
            int wire = ProtoInput.wireType(tag);
            if (field == 1 && wire == 2) {
                domain = in.shortString("An opset_import's domain", MAX_TEXT_BYTES);
            } else if (field == 2 && wire == 0) {
                version = in.varint();
            } else {
                in.skip(tag, "an OperatorSetIdProto");
            }
        }
        in.exit(old);
        if (opsets.size() == MAX_OPSETS) {
            moreOpsets++;
            return;
        }
        String name = domain == null ? "(a long domain)" : domain.isEmpty() ? "ai.onnx" : domain;
        opsets.add(name + " " + version);
    }

    List<Fact> facts() {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("ONNX IR version", Long.toString(irVersion)));
        if (producerName != null && !producerName.isEmpty()) {
            String version = producerVersion == null || producerVersion.isEmpty() ? "" : " " + producerVersion;
            facts.add(Facts.of("producer", producerName + version));
        }
        if (!opsets.isEmpty()) {
            String more = moreOpsets == 0 ? "" : " and " + moreOpsets + " more";
            facts.add(Facts.of("opset", String.join(", ", opsets) + more));
        }
        return facts;
    }
}
