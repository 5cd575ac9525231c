package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.pickle.PickleSafety;

/** The pickle classifiers of torch files: what torch's own unpicklers accept is what they call ALLOWED. */
public final class TorchPickleSafety {
    public static final PickleSafety STANDARD = new PickleSafety(TorchGlobals.ALLOWLIST);
    /**
     * A TorchScript archive's pickles are read by TorchScript's own unpickler, which resolves its list
     * helpers ({@code torch.jit._pickle.build_intlist} ...) and C++ classes, never a Python import.
     */
    public static final PickleSafety TORCHSCRIPT = new PickleSafety(TorchScriptArchive.ALLOWLIST);

    private TorchPickleSafety() {
    }
}
