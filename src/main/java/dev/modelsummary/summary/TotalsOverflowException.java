package dev.modelsummary.summary;

/**
 * A model whose element or byte totals do not fit 63 bits. Each tensor can be real (torch saves an expanded
 * or meta tensor of 2^62 elements without holding its data), but no real model sums past 2^63 - 1, so the
 * CLI treats this as unreadable input (exit 3), not as a bug.
 */
public final class TotalsOverflowException extends RuntimeException {
    public TotalsOverflowException(String message, ArithmeticException cause) {
        super(message, cause);
    }
}
