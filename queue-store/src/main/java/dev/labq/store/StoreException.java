package dev.labq.store;

/**
 * Root of the storage errors: the journal, the views and the locks. Messages name the file and the fix.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
