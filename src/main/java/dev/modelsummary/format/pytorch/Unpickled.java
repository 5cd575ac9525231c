package dev.modelsummary.format.pytorch;

import dev.modelsummary.model.PickleScan;
import java.util.List;

/**
 * A torch.save file's object, unpickled, with every storage a tensor can reference already checked against
 * the bytes the file holds for it.
 *
 * @param root        the pickled object
 * @param warnings    the unpickler's warnings (unknown globals)
 * @param valuesSpent the budget units ({@code pickle-values}) the unpickler spent building {@code root};
 *                    what is done with it later (naming its tensors) spends the rest
 * @param scan        the safety scan of every pickle the file holds
 */
record Unpickled(Object root, List<String> warnings, long valuesSpent, PickleScan scan) {
}
