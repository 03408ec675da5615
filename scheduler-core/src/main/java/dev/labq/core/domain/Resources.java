package dev.labq.core.domain;

/**
 * What a job asks for: CPUs, memory in MiB, GPUs and optionally one GPU type.
 *
 * @param gpuType a type from the machine inventory (for example {@code a100}), or {@code null} for any
 */
public record Resources(int cpus, long memoryMb, int gpus, String gpuType) {
    public static final Resources DEFAULT = new Resources(1, 256, 0, null);

    public Resources {
        if (cpus < 1) {
            throw new InvalidInputException("cpus", cpus, "ask for at least 1 CPU");
        }
        if (memoryMb < 0) {
            throw new InvalidInputException("mem", memoryMb + "M", "give memory as a positive size such as 512M or 4G");
        }
        if (gpus < 0) {
            throw new InvalidInputException("gpus", gpus, "ask for 0 or more GPUs");
        }
        if (gpuType != null && gpuType.isBlank()) {
            gpuType = null;
        }
        if (gpuType != null && gpus == 0) {
            throw new InvalidInputException("gpu-type", gpuType, "a GPU type needs --gpus 1 or more");
        }
    }

    /** Parses sizes like {@code 512}, {@code 512M}, {@code 4G}, {@code 1T} (MiB when no unit) into MiB. */
    public static long parseMemoryMb(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        long factor = 1;
        if (!t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1))) {
            factor = switch (t.charAt(t.length() - 1)) {
                case 'K' -> -1024;
                case 'M' -> 1;
                case 'G' -> 1024;
                case 'T' -> 1024 * 1024;
                default -> throw new InvalidInputException("mem", text, "use a size such as 512M, 4G or 1T");
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t.trim());
            if (n < 0) {
                throw new InvalidInputException("mem", text, "give memory as a positive size such as 512M or 4G");
            }
            return factor < 0 ? Math.max(1, n / -factor) : Math.multiplyExact(n, factor);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("mem", text, "use a size such as 512M, 4G or 1T");
        } catch (ArithmeticException e) {
            throw new InvalidInputException("mem", text, "that is more memory than any machine has; use a size such as 4G");
        }
    }
}
