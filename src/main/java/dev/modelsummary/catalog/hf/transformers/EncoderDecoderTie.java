package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.nn.Module;
import dev.modelsummary.model.TensorEntry;
import java.util.Map;

/**
 * {@code PreTrainedModel._tie_encoder_decoder_weights(encoder, decoder, ...)} (transformers 4.57.6, the same walk as
 * 4.40's), what {@code tie_encoder_decoder: true} does: the two module trees are walked side by side and every
 * module of the decoder holding a {@code weight} gives it (and its bias) to the encoder's module in the same
 * place, so the encoder's names list the shared tensors and the decoder's become aliases. In a numbered list
 * (the blocks' layers) a decoder module of another class than the encoder's at that index (T5's cross
 * attention) is skipped and the encoder index lags one behind from there; the decoder's later modules missing
 * from the encoder are skipped; a decoder with more numbered modules than the encoder is a KeyError.
 */
final class EncoderDecoderTie {
    private static final int MAX_DEPTH = 500;

    private EncoderDecoderTie() {
    }

    static void tie(Module encoder, Module decoder) {
        tie(decoder, encoder, 0);
    }

    private static void tie(Module decoderPointer, Module encoderPointer, int depth) {
        if (hasOwn(decoderPointer, "weight")) {
            if (!hasOwn(encoderPointer, "weight")) {
                throw new ConfigException("AssertionError: tie_encoder_decoder: an encoder module has no weight "
                        + "where the decoder's has one");
            }
            encoderPointer.tie("weight", decoderPointer, "weight");
            if (hasOwn(decoderPointer, "bias") && hasOwn(encoderPointer, "bias")) {
                encoderPointer.tie("bias", decoderPointer, "bias");
            }
            return;
        }
        Map<String, Module> encoderModules = encoderPointer.childrenWithEmptyPlaces();
        Map<String, Module> decoderModules = decoderPointer.childrenWithEmptyPlaces();
        if (decoderModules.isEmpty()) {
            return;
        }
        int encoderLayerPos = 0;
        for (Map.Entry<String, Module> entry : decoderModules.entrySet()) {
            String name = entry.getKey();
            String encoderName;
            if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
                encoderName = String.valueOf(Integer.parseInt(name) + encoderLayerPos);
                if (!encoderModules.containsKey(encoderName)) {
                    throw new ConfigException("KeyError: '" + encoderName + "' (tie_encoder_decoder: the decoder "
                            + "has more layers than the encoder)");
                }
                if (!sameClass(entry.getValue(), encoderModules.get(encoderName))
                        && encoderModules.size() != decoderModules.size()) {
                    encoderLayerPos -= 1;
                    continue;
                }
            } else if (!encoderModules.containsKey(name)) {
                continue;
            } else if (depth > MAX_DEPTH) {
                throw new ConfigException("Max depth of recursive function `tie_encoder_to_decoder` reached.");
            } else {
                encoderName = name;
            }
            Module decoderChild = entry.getValue();
            Module encoderChild = encoderModules.get(encoderName);
            if (decoderChild != null && encoderChild != null) {
                tie(decoderChild, encoderChild, depth + 1);
            }
        }
    }

    /** {@code isinstance(decoder_module, type(encoder_module))}, by the torch class both report. */
    private static boolean sameClass(Module decoder, Module encoder) {
        return decoder != null && encoder != null && decoder.getClass() == encoder.getClass()
                && decoder.className().equals(encoder.className());
    }

    /** Whether the module holds a tensor of its own under {@code name} ({@code hasattr(module, name)}). */
    private static boolean hasOwn(Module module, String name) {
        for (TensorEntry t : module.tensors()) {
            if (t.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
