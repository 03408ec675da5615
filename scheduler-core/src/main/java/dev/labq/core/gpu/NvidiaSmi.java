package dev.labq.core.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code nvidia-smi} queries labq asks and how their output reads. Pure functions over text, so every
 * form seen on real machines ({@code [N/A]} in MIG mode, colour codes and NIC columns in {@code topo -m}) is a
 * test case.
 */
public final class NvidiaSmi {
    public static final List<String> QUERY_GPU = List.of("nvidia-smi",
            "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu", "--format=csv,noheader,nounits");
    public static final List<String> LIST = List.of("nvidia-smi", "-L");
    public static final List<String> TOPOLOGY = List.of("nvidia-smi", "topo", "-m");
    public static final List<String> COMPUTE_APPS = List.of("nvidia-smi",
            "--query-compute-apps=pid,gpu_uuid,used_memory", "--format=csv,noheader,nounits");

    private static final Pattern GPU_LINE = Pattern.compile("^GPU (\\d+): .*\\(UUID: ([^)]+)\\)");
    private static final Pattern MIG_LINE = Pattern.compile("^\\s+MIG (\\S+)\\s+Device\\s+(\\d+): \\(UUID: ([^)]+)\\)");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Set<String> VENDOR_WORDS = Set.of("nvidia", "tesla", "geforce", "quadro");
    private static final Set<String> FAMILY_WORDS = Set.of("rtx", "gtx", "titan");

    private NvidiaSmi() {
    }

    /** The lines of {@link #QUERY_GPU}: {@code 0, GPU-uuid, NVIDIA A100-SXM4-80GB, 81920, 4, 0}. */
    public static List<GpuScan.Gpu> parseQuery(String csv) {
        List<GpuScan.Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",\\s*");
            if (f.length < 6) {
                throw new IllegalArgumentException("nvidia-smi printed an unexpected GPU line: " + line.strip());
            }
            if (!f[0].strip().matches("\\d+")) {
                throw new IllegalArgumentException("nvidia-smi printed an unexpected GPU line: " + line.strip());
            }
            gpus.add(new GpuScan.Gpu(Integer.parseInt(f[0].strip()), f[1].strip(), f[2].strip(),
                    number(f[3], 0), number(f[4], 0), f[5].strip().startsWith("[") ? null : (int) number(f[5], 0)));
        }
        return gpus;
    }

    /** The MIG instances in {@link #LIST}'s output, by the index of their GPU (GPUs without MIG are absent). */
    public static Map<Integer, List<GpuScan.Mig>> parseList(String text) {
        Map<Integer, List<GpuScan.Mig>> mig = new LinkedHashMap<>();
        Integer gpu = null;
        for (String line : text.split("\\R")) {
            Matcher g = GPU_LINE.matcher(line);
            Matcher m = MIG_LINE.matcher(line);
            if (g.find()) {
                gpu = Integer.parseInt(g.group(1));
            } else if (m.find() && gpu != null) {
                mig.computeIfAbsent(gpu, k -> new ArrayList<>())
                        .add(new GpuScan.Mig(gpu, Integer.parseInt(m.group(2)), m.group(1), m.group(3)));
            }
        }
        return mig;
    }

    /** The NVLink peers of each GPU in {@link #TOPOLOGY}'s matrix: cells {@code NV1}..{@code NV18}. */
    public static Map<Integer, Set<Integer>> parseTopology(String text) {
        Map<Integer, Set<Integer>> links = new LinkedHashMap<>();
        List<Integer> columns = null;
        for (String raw : text.split("\\R")) {
            String line = ANSI.matcher(raw).replaceAll("");
            if (line.isBlank()) {
                if (columns != null) {
                    break; // the legend follows the matrix
                }
                continue;
            }
            String[] cells = line.split("\t");
            if (columns == null) {
                columns = new ArrayList<>();
                for (String c : cells) {
                    columns.add(c.strip().matches("GPU\\d+") ? Integer.parseInt(c.strip().substring(3)) : null);
                }
                continue;
            }
            String row = cells[0].strip();
            if (!row.matches("GPU\\d+")) {
                continue; // NIC rows
            }
            int from = Integer.parseInt(row.substring(3));
            Set<Integer> peers = new TreeSet<>();
            for (int i = 1; i < cells.length && i < columns.size(); i++) {
                Integer to = columns.get(i);
                if (to != null && cells[i].strip().matches("NV\\d+")) {
                    peers.add(to);
                }
            }
            links.put(from, peers);
        }
        return links;
    }

    /**
     * The short type labq names a GPU model by, as users type it after {@code --gpu-type}: {@code NVIDIA
     * A100-SXM4-80GB} is {@code a100}, {@code Tesla T4} {@code t4}, {@code NVIDIA H100 80GB HBM3} {@code h100},
     * {@code NVIDIA GeForce RTX 4090} {@code rtx4090}, {@code NVIDIA RTX A6000} {@code rtxa6000}.
     */
    public static String typeOf(String name) {
        List<String> words = new ArrayList<>();
        for (String w : name.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!w.isEmpty() && !VENDOR_WORDS.contains(w)) {
                words.add(w);
            }
        }
        if (words.isEmpty()) {
            return "gpu";
        }
        String first = words.get(0).split("-")[0];
        if (FAMILY_WORDS.contains(first) && words.size() > 1) { // GeForce RTX 4090, GTX 1080 Ti, TITAN V
            StringBuilder type = new StringBuilder(first).append(words.get(1).split("-")[0]);
            if (words.size() > 2 && words.get(2).equals("ti")) {
                type.append("ti");
            }
            return type.toString();
        }
        return first;
    }

    private static long number(String text, long otherwise) {
        String t = text.strip();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return otherwise; // [N/A], [Not Supported]
        }
    }
}
