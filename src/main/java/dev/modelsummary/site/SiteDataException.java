package dev.modelsummary.site;

/** A site's {@code data.json} that cannot be read or is not what a site writes: nothing is written over it. */
public final class SiteDataException extends RuntimeException {
    public SiteDataException(String message) {
        super(message);
    }

    public SiteDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
