package dev.modelsummary.catalog.hf.transformers;

import dev.modelsummary.catalog.hf.ConfigException;
import dev.modelsummary.catalog.nn.Layers;
import dev.modelsummary.catalog.nn.Module;

/**
 * {@code ACT2FN[name]} of transformers 4.57.6 ({@code activations.py}'s {@code ACT2CLS}), which differs from 4.40's
 * ({@link Bert#act}): {@code silu} is transformers' {@code SiLUActivation} (only {@code swish} is
 * {@code nn.SiLU}), {@code gelu_pytorch_tanh} is {@code GELUTanh}, and there are more names; {@code prelu} is an
 * {@code nn.PReLU} with its one-element {@code weight}. A name not in the table is the dict's KeyError. The one
 * table of every family ported from 4.57.6.
 */
final class Act457 {
    private Act457() {
    }

    static Module act(String name) {
        String torchClass = switch (name) {
            case "gelu", "gelu_python" -> "GELUActivation";
            case "gelu_10" -> "ClippedGELUActivation";
            case "gelu_fast" -> "FastGELUActivation";
            case "gelu_new" -> "NewGELUActivation";
            case "gelu_pytorch_tanh", "gelu_python_tanh" -> "GELUTanh";
            case "gelu_accurate" -> "AccurateGELUActivation";
            case "laplace" -> "LaplaceActivation";
            case "leaky_relu" -> "LeakyReLU";
            case "linear" -> "LinearActivation";
            case "mish" -> "MishActivation";
            case "quick_gelu" -> "QuickGELUActivation";
            case "relu" -> "ReLU";
            case "relu2" -> "ReLUSquaredActivation";
            case "relu6" -> "ReLU6";
            case "sigmoid" -> "Sigmoid";
            case "silu" -> "SiLUActivation";
            case "swish" -> "SiLU";
            case "tanh" -> "Tanh";
            case "prelu" -> "PReLU";
            // XIELUActivation holds learnable alpha_p, alpha_n, beta and eps: not ported, so not listed wrong
            case "xielu" -> throw new ConfigException("hidden_act 'xielu' is not supported yet (its learnable "
                    + "XIELUActivation tensors are not ported).");
            default -> throw new ConfigException("function " + name + " not found in ACT2FN mapping "
                    + "['gelu', 'gelu_10', 'gelu_fast', 'gelu_new', 'gelu_python', 'gelu_pytorch_tanh', "
                    + "'gelu_python_tanh', 'gelu_accurate', 'laplace', 'leaky_relu', 'linear', 'mish', "
                    + "'quick_gelu', 'relu', 'relu2', 'relu6', 'sigmoid', 'silu', 'swish', 'tanh', 'prelu', 'xielu']");
        };
        if (name.equals("prelu")) {
            return new Module() {
                {
                    parameter("weight", 1);
                }
            }.forwardAs("PReLU", (trace, x) -> x);
        }
        return Layers.activation(torchClass);
    }
}
