package dev.modelsummary.format.gguf;

/**
 * The few metadata values of a GGUF file worth keeping; null where the file has no such key (or has it with a
 * type the reader does not keep: a string over 1024 bytes, a context length that is not an integer).
 *
 * @param version       GGUF version, 1 to 3
 * @param alignment     {@code general.alignment}, or 32 when absent
 * @param architecture  {@code general.architecture} ({@code llama})
 * @param name          {@code general.name}
 * @param fileType      {@code general.file_type} (llama.cpp's {@code LLAMA_FTYPE_*} number)
 * @param contextLength {@code <architecture>.context_length}
 * @param splitNo       {@code split.no}, 0-based
 * @param splitCount    {@code split.count}
 * @param splitTensors  {@code split.tensors.count}: tensors in all splits together
 * @param quantizationVersion {@code general.quantization_version}: the version of ggml's quantized formats
 * @param expertCount     {@code <architecture>.expert_count}: routed experts per sparse block
 * @param expertUsedCount {@code <architecture>.expert_used_count}: experts each token runs through
 */
public record GgufMetadata(int version, long alignment, String architecture, String name, Long fileType,
                           Long contextLength, Long splitNo, Long splitCount, Long splitTensors,
                           Long quantizationVersion, Long expertCount, Long expertUsedCount) {

    /** Metadata of a dense model (no expert keys). */
    public GgufMetadata(int version, long alignment, String architecture, String name, Long fileType,
                        Long contextLength, Long splitNo, Long splitCount, Long splitTensors,
                        Long quantizationVersion) {
        this(version, alignment, architecture, name, fileType, contextLength, splitNo, splitCount, splitTensors,
                quantizationVersion, null, null);
    }
}
