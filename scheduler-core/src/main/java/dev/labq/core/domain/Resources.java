package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a job asks for: CPUs, memory in MiB, GPUs, and which GPUs will do.
 *
 * @param gpus        how many GPU devices (1 for a share of one)
 * @param gpuType     the types that will do, comma-separated ({@code a100} or {@code a100,h100}), or {@code null}
 *                    for any
 * @param gpuMemoryMb the least memory each of its GPUs must have, or {@code null} for any
 * @param gpuMilli    a share of one device in thousandths (500: half of it, as Alibaba's {@code gpu_milli}),
 *                    or {@code null} for whole devices; jobs sharing one get the same {@code CUDA_VISIBLE_DEVICES}
 */
public record Resources(int cpus, long memoryMb, int gpus, String gpuType,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Long gpuMemoryMb,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer gpuMilli) {
    public static final Resources DEFAULT = new Resources(1, 256, 0, null);
    public static final int WHOLE = 1000;

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
        if (gpuType != null) {
            for (String type : gpuType.split(",", -1)) {
                if (type.isBlank()) {
                    throw new InvalidInputException("gpu-type", gpuType, "list types separated by commas, e.g. a100,h100");
                }
            }
            gpuType = String.join(",", Arrays.stream(gpuType.split(",")).map(String::strip).toList());
        }
        if (gpuType != null && gpus == 0) {
            throw new InvalidInputException("gpu-type", gpuType, "a GPU type needs --gpus 1 or more");
        }
        if (gpuMemoryMb != null && (gpuMemoryMb <= 0 || gpus == 0)) {
            throw new InvalidInputException("gpu-mem", gpuMemoryMb + "M", gpus == 0 ? "a GPU memory needs --gpus 1 or more"
                    : "give the least memory per GPU as a size such as 40G");
        }
        if (gpuMilli != null && gpuMilli == WHOLE) {
            gpuMilli = null;
        }
        if (gpuMilli != null && (gpuMilli < 1 || gpuMilli > WHOLE || gpus != 1)) {
            throw new InvalidInputException("gpus", gpus, "a share of a GPU is of one device, above 0 and below 1 (0.5, 0.25)");
        }
    }

    public Resources(int cpus, long memoryMb, int gpus, String gpuType) {
        this(cpus, memoryMb, gpus, gpuType, null, null);
    }

    /** The same request with the least memory per GPU {@code mb} (null: any) and a share {@code milli} of one (null: whole). */
    public Resources withGpu(Long mb, Integer milli) {
        return new Resources(cpus, memoryMb, gpus, gpuType, mb, milli);
    }

    /** A number of GPUs as a user writes it: {@code 2}, or {@code 0.5} for a share. */
    public static String gpuText(double count) {
        return count == Math.rint(count) ? Long.toString((long) count) : Double.toString(count);
    }

    /** As a user writes it: {@code cpus=4 mem=16384M gpus=0.5 gpu-type=a100 gpu-mem=40960M}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("cpus=" + cpus + " mem=" + memoryMb + "M");
        if (gpus > 0) {
            out.append(" gpus=").append(gpuText(gpuCount()));
        }
        if (gpuType != null) {
            out.append(" gpu-type=").append(gpuType);
        }
        if (gpuMemoryMb != null) {
            out.append(" gpu-mem=").append(gpuMemoryMb).append('M');
        }
        return out.toString();
    }

    /** The GPU types that will do; empty for any. */
    @JsonIgnore
    public List<String> gpuTypes() {
        return gpuType == null ? List.of() : List.of(gpuType.split(","));
    }

    /** Whether a device of {@code type} with {@code deviceMemoryMb} will do. */
    public boolean acceptsGpu(String type, long deviceMemoryMb) {
        return (gpuType == null || gpuTypes().contains(type)) && (gpuMemoryMb == null || deviceMemoryMb >= gpuMemoryMb);
    }

    /** Whether it asks for a share of one device rather than whole ones. */
    @JsonIgnore
    public boolean fractional() {
        return gpuMilli != null;
    }

    /** GPUs in devices' worth, fractions included (0.5 for half of one): what budgets and usage count. */
    @JsonIgnore
    public double gpuCount() {
        return gpuMilli == null ? gpus : gpuMilli / (double) WHOLE;
    }

    /**
     * {@code --gpus} as a user writes it: a whole number of devices, or a share of one below 1 ({@code 0.5}).
     * Returns {devices, milli or 0 for whole}.
     */
    public static int[] parseGpus(String text) {
        String t = text.strip();
        try {
            if (t.matches("\\d+")) {
                return new int[] {Integer.parseInt(t), 0};
            }
            double share = Double.parseDouble(t);
            if (share > 0 && share < 1) {
                int milli = (int) Math.round(share * WHOLE);
                if (milli >= 1 && milli < WHOLE) {
                    return new int[] {1, milli};
                }
            }
        } catch (NumberFormatException e) {
            // refused below with the fix
        }
        throw new InvalidInputException("gpus", text, t.startsWith("-") ? "ask for 0 or more GPUs"
                : "give a whole number of GPUs, or a share of one below 1 (0.5, 0.25)");
    }

    /**
     * Slurm's {@code --gres=gpu[:type]:N} ({@code gpu}, {@code gpu:2}, {@code gpu:a100:2}; N may be a share below 1).
     * Returns {type or null, count text}.
     */
    public static String[] parseGres(String text) {
        String[] parts = text.strip().split(":", -1);
        boolean ok = parts.length >= 1 && parts.length <= 3 && parts[0].toLowerCase(Locale.ROOT).equals("gpu")
                && Arrays.stream(parts).noneMatch(String::isBlank);
        if (!ok) {
            throw new InvalidInputException("gres", text, "use gpu, gpu:N or gpu:TYPE:N, e.g. --gres=gpu:a100:2");
        }
        return switch (parts.length) {
            case 1 -> new String[] {null, "1"};
            case 2 -> parts[1].matches("[0-9.]+") ? new String[] {null, parts[1]} : new String[] {parts[1], "1"};
            default -> new String[] {parts[1], parts[2]};
        };
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
