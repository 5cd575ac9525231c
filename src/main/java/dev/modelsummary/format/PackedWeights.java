package dev.modelsummary.format;

import dev.modelsummary.model.DType;
import dev.modelsummary.model.Model;
import dev.modelsummary.model.Role;
import dev.modelsummary.model.Shape;
import dev.modelsummary.model.TensorEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Recognises weights stored packed, in any format, and says so in the model's notes: the counts and bytes a
 * report shows are those of the tensors as stored, not of the weights they unpack to. Evidence is only what the
 * file itself carries, names and dtypes together; nothing is guessed from a name alone.
 *
 * <ul>
 *   <li>GPTQ and AWQ ({@code P.qweight} int32 beside {@code P.qzeros} int32 and {@code P.scales}): 32/k k-bit
 *       values per int32, k = 32 x qzeros columns / scales columns when that is a whole 2, 3, 4 or 8. Both
 *       libraries register qweight, qzeros, scales, g_idx and bias as buffers: so they are listed.</li>
 *   <li>bitsandbytes 4-bit ({@code P.weight} uint8 beside {@code P.weight.quant_state.bitsandbytes__nf4} or
 *       {@code __fp4}): two 4-bit values per byte; the weight is a frozen parameter (Params4bit), its
 *       quantization state ({@code P.weight.absmax}, {@code .quant_map}, {@code .nested_*}) buffers.</li>
 *   <li>bitsandbytes 8-bit ({@code P.weight} int8 beside {@code P.SCB}): one weight per byte; the weight is a
 *       frozen parameter (Int8Params), {@code SCB} and {@code weight_format} buffers.</li>
 *   <li>torch {@code quint4x2} / {@code quint2x4} tensors: counted value by value, bytes as stored.</li>
 * </ul>
 */
public final class PackedWeights {
    static final String QWEIGHT = ".qweight";
    static final String BNB_STATE = ".weight.quant_state.bitsandbytes__";
    private static final String WEIGHT = ".weight";

    private final List<TensorEntry> tensors;
    /** Position of each name. Sorted, not hashed: the names come from the file. */
    private final TreeMap<String, Integer> index = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();

    private PackedWeights(List<TensorEntry> tensors) {
        this.tensors = new ArrayList<>(tensors);
        for (int i = 0; i < tensors.size(); i++) {
            index.putIfAbsent(tensors.get(i).name(), i);
        }
    }

    /** The model with packed weights' roles set as their libraries register them, and one note per scheme. */
    public static Model annotate(Model model) {
        if (model.tensors().stream().noneMatch(PackedWeights::mayBePacked)) {
            return model; // most files: no index of names is built
        }
        PackedWeights p = new PackedWeights(model.tensors());
        p.gptqOrAwq();
        p.bitsAndBytes4bit();
        p.bitsAndBytes8bit();
        p.torchPacked();
        if (p.notes.isEmpty()) {
            return model;
        }
        List<String> notes = new ArrayList<>(model.details().notes());
        notes.addAll(p.notes);
        return model.withTensors(p.tensors).withDetails(model.details().withNotes(notes));
    }

    /** A tensor that starts one of the schemes: a qweight, a bitsandbytes state or SCB, a torch packed type. */
    private static boolean mayBePacked(TensorEntry t) {
        String name = t.name();
        return name.endsWith(QWEIGHT) || name.contains(BNB_STATE) || name.endsWith("SCB")
                || t.dtype() == DType.QUINT4X2 || t.dtype() == DType.QUINT2X4;
    }

    private void gptqOrAwq() {
        int count = 0;
        long bits = 0; // the one bit width seen, -1 when they differ or one is not known
        for (TensorEntry t : List.copyOf(tensors)) {
            if (!t.name().endsWith(QWEIGHT) || t.dtype() != DType.INT32) {
                continue;
            }
            String prefix = t.name().substring(0, t.name().length() - QWEIGHT.length());
            TensorEntry qzeros = get(prefix + ".qzeros");
            TensorEntry scales = get(prefix + ".scales");
            if (qzeros == null || qzeros.dtype() != DType.INT32 || scales == null || scales.dtype().isIntegerOrBool()) {
                continue;
            }
            count++;
            long k = bitsOf(qzeros.shape(), scales.shape());
            bits = count == 1 ? k : bits == k ? bits : -1;
            for (String part : List.of(QWEIGHT, ".qzeros", ".scales", ".g_idx", ".bias")) {
                setRole(prefix + part, Role.BUFFER, false);
            }
        }
        if (count > 0) {
            String what = switch ((int) bits) {
                case 2, 4, 8 -> bits + "-bit weights (GPTQ/AWQ qweight, " + 32 / bits + " per int32)";
                case 3 -> "3-bit weights (GPTQ/AWQ qweight, 32 in every 3 int32)";
                default -> "low-bit weights (GPTQ/AWQ qweight, several per int32)";
            };
            notes.add(tensorCount(count) + " packed " + what + ": counted as stored, not as the weights they "
                    + "unpack to; qweight, qzeros, scales, g_idx and bias are listed as buffers, as GPTQ and AWQ "
                    + "register them.");
        }
    }

    /** k = 32 x qzeros columns / scales columns, when both are 2-d and that is 2, 3, 4 or 8; else -1. */
    private static long bitsOf(Shape qzeros, Shape scales) {
        if (qzeros.rank() != 2 || scales.rank() != 2 || scales.dim(1) == 0) {
            return -1;
        }
        long packedColumns = qzeros.dim(1);
        if (packedColumns > Long.MAX_VALUE / 32 || packedColumns * 32 % scales.dim(1) != 0) {
            return -1;
        }
        long k = packedColumns * 32 / scales.dim(1);
        return k == 2 || k == 3 || k == 4 || k == 8 ? k : -1;
    }

    private void bitsAndBytes4bit() {
        int count = 0;
        boolean nf4 = false;
        boolean fp4 = false;
        for (TensorEntry t : List.copyOf(tensors)) {
            int at = t.name().lastIndexOf(BNB_STATE);
            if (at < 0) {
                continue;
            }
            String kind = t.name().substring(at + BNB_STATE.length());
            String weightName = t.name().substring(0, at) + WEIGHT;
            TensorEntry weight = get(weightName);
            if (!(kind.equals("nf4") || kind.equals("fp4")) || weight == null || weight.dtype() != DType.UINT8) {
                continue;
            }
            count++;
            nf4 |= kind.equals("nf4");
            fp4 |= kind.equals("fp4");
            setRole(weightName, Role.PARAMETER, false);
            // Everything under "<P>.weight." is the weight's quantization state.
            index.subMap(weightName + ".", weightName + "/").values().forEach(i -> setRole(i, Role.BUFFER, false));
        }
        if (count > 0) {
            String kind = nf4 && fp4 ? "nf4 and fp4" : nf4 ? "nf4" : "fp4";
            notes.add(tensorCount(count) + " packed 4-bit weights (bitsandbytes " + kind + ", 2 per uint8): "
                    + "counted as stored, not as the weights they unpack to; listed as frozen parameters, their "
                    + "quantization state (absmax, quant_map ...) as buffers.");
        }
    }

    private void bitsAndBytes8bit() {
        int count = 0;
        for (TensorEntry t : List.copyOf(tensors)) {
            if (!t.name().endsWith(".SCB") && !t.name().equals("SCB")) {
                continue;
            }
            String prefix = t.name().substring(0, t.name().length() - "SCB".length());
            TensorEntry weight = get(prefix + "weight");
            if (weight == null || weight.dtype() != DType.INT8 || t.dtype().isIntegerOrBool()) {
                continue;
            }
            count++;
            setRole(prefix + "weight", Role.PARAMETER, false);
            setRole(t.name(), Role.BUFFER, false);
            setRole(prefix + "weight_format", Role.BUFFER, false);
        }
        if (count > 0) {
            notes.add(tensorCount(count) + " 8-bit weights (bitsandbytes LLM.int8, int8 with SCB scales): counted "
                    + "as stored, one byte per weight; listed as frozen parameters, SCB as buffers.");
        }
    }

    private void torchPacked() {
        long count = tensors.stream().filter(t -> t.dtype() == DType.QUINT4X2 || t.dtype() == DType.QUINT2X4)
                .count();
        if (count > 0) {
            notes.add(tensorCount(count) + " torch quint4x2 or quint2x4 values (4 or 2 bits each, packed into "
                    + "bytes): counted value by value, bytes as stored, each row padded to a whole byte.");
        }
    }

    private static String tensorCount(long count) {
        return count == 1 ? "1 tensor holds" : count + " tensors hold";
    }

    private TensorEntry get(String name) {
        Integer i = index.get(name);
        return i == null ? null : tensors.get(i);
    }

    private void setRole(String name, Role role, boolean trainable) {
        Integer i = index.get(name);
        if (i != null) {
            setRole(i, role, trainable);
        }
    }

    private void setRole(int i, Role role, boolean trainable) {
        tensors.set(i, tensors.get(i).withRole(role, trainable));
    }
}
