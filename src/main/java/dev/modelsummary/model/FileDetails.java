package dev.modelsummary.model;

import java.util.List;

/**
 * What a file says besides its tensors; {@link #NONE} for a built-in architecture.
 *
 * @param facts      header lines (GGUF's architecture and context length, ONNX's producer ...), in order
 * @param checkpoint the checkpoint's anatomy, or null when the file holds only the model
 * @param pickle     the pickle safety scan, or null when no pickle was read
 * @param notes      how to read the numbers (weights stored packed, counted as stored), one sentence each
 */
public record FileDetails(List<Fact> facts, CheckpointContents checkpoint, PickleScan pickle, List<String> notes) {
    public static final FileDetails NONE = new FileDetails(List.of(), null, null, List.of());

    public FileDetails {
        facts = List.copyOf(facts);
        notes = List.copyOf(notes);
    }

    public FileDetails withFacts(List<Fact> newFacts) {
        return new FileDetails(newFacts, checkpoint, pickle, notes);
    }

    public FileDetails withCheckpoint(CheckpointContents newCheckpoint) {
        return new FileDetails(facts, newCheckpoint, pickle, notes);
    }

    public FileDetails withPickle(PickleScan newPickle) {
        return new FileDetails(facts, checkpoint, newPickle, notes);
    }

    public FileDetails withNotes(List<String> newNotes) {
        return new FileDetails(facts, checkpoint, pickle, newNotes);
    }

    public boolean isEmpty() {
        return facts.isEmpty() && checkpoint == null && pickle == null && notes.isEmpty();
    }
}
