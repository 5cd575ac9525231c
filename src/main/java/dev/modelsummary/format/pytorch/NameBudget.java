package dev.modelsummary.format.pytorch;

import dev.modelsummary.format.FormatException;
import dev.modelsummary.format.Limit;
import dev.modelsummary.format.Limits;

/**
 * What remains of a pickle's value budget ({@link Limit#PICKLE_VALUES}) once it is unpickled, for the names made
 * from it: a pickle references a long key or a tensor for a few bytes, but every name (and every alias that
 * repeats one) is spelled out in the model and its reports, so each is charged by its length.
 */
final class NameBudget {
    /** Characters of a name per budget unit: a name is kept about twice (found, then as an entry). */
    private static final int NAME_CHARS_PER_UNIT = 8;

    private final long maxValues = Limits.current().get(Limit.PICKLE_VALUES);
    private long spent;

    /** @param spentByPickle budget units the unpickler spent; names spend what remains */
    NameBudget(long spentByPickle) {
        this.spent = spentByPickle;
    }

    /** A name made, or repeated (an alias spells the name it aliases). */
    void spendName(CharSequence name) {
        spend(1 + name.length() / NAME_CHARS_PER_UNIT);
    }

    /** @throws FormatException when the pickle's budget is exhausted */
    void spend(long units) {
        spent += units;
        if (spent > maxValues) {
            throw new FormatException("Pickle builds more than " + maxValues + " values once its tensors are named, "
                    + "over the limit (" + Limit.PICKLE_VALUES.raise() + ").");
        }
    }
}
