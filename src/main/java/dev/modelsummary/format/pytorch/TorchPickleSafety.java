package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.pickle.PickleSafety;

/** The pickle classifier every reader uses: torch's weights-only allowlist is what it calls ALLOWED. */
public final class TorchPickleSafety {
    public static final PickleSafety STANDARD = new PickleSafety(TorchGlobals.ALLOWLIST);

    private TorchPickleSafety() {
    }
}
