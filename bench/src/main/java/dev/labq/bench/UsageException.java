package dev.labq.bench;

/** Wrong arguments to {@code bench/run} or to a harness; {@link BenchMain} prints the message and the hint. */
public final class UsageException extends IllegalArgumentException {
    private final String hint;

    public UsageException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
