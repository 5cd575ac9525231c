package dev.modelsummary.model;

import java.util.List;

/**
 * What a file says besides its tensors; {@link #NONE} for a built-in architecture.
 *
 * @param facts      header lines (GGUF's architecture and context length, ONNX's producer ...), in order
 * @param checkpoint the checkpoint's anatomy, or null when the file holds only the model
 * @param pickle     the pickle safety scan, or null when no pickle was read
 * @param notes      how to read the numbers (weights stored packed, counted as stored), one sentence each
 * @param experts    how the file says tokens are routed to its experts (GGUF's {@code expert_count} and
 *                   {@code expert_used_count}), or null for a dense model or a file that does not say
 */
public record FileDetails(List<Fact> facts, CheckpointContents checkpoint, PickleScan pickle, List<String> notes,
                          MoeRouting experts) {
    public static final FileDetails NONE = new FileDetails(List.of(), null, null, List.of(), null);

    public FileDetails(List<Fact> facts, CheckpointContents checkpoint, PickleScan pickle, List<String> notes) {
        this(facts, checkpoint, pickle, notes, null);
    }

    public FileDetails {
        facts = List.copyOf(facts);
        notes = List.copyOf(notes);
    }

    public FileDetails withFacts(List<Fact> newFacts) {
        return new FileDetails(newFacts, checkpoint, pickle, notes, experts);
    }

    public FileDetails withCheckpoint(CheckpointContents newCheckpoint) {
        return new FileDetails(facts, newCheckpoint, pickle, notes, experts);
    }

    public FileDetails withPickle(PickleScan newPickle) {
        return new FileDetails(facts, checkpoint, newPickle, notes, experts);
    }

    public FileDetails withNotes(List<String> newNotes) {
        return new FileDetails(facts, checkpoint, pickle, newNotes, experts);
    }

    public FileDetails withExperts(MoeRouting newExperts) {
        return new FileDetails(facts, checkpoint, pickle, notes, newExperts);
    }

    public boolean isEmpty() {
        return facts.isEmpty() && checkpoint == null && pickle == null && notes.isEmpty();
    }
}
