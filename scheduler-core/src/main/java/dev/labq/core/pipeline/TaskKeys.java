package dev.labq.core.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A task's identity, {@code taskKey}: the lowercase hex SHA-256 (64 characters) of the UTF-8 bytes of its
 * identity document, which is the {@link CanonicalJson canonical JSON} of
 *
 * <pre>
 * {"after":[DEPENDENCY KEYS],"command":COMMAND,"config":CONFIG,"tool":TOOL,"v":1}
 * </pre>
 *
 * <ul>
 *   <li>{@code after}: the keys of the task's direct dependencies (explicit {@code after} and implied by inputs),
 *       each once, sorted; so a key covers its whole upstream, as Nextflow's task hash and Landseer's do;</li>
 *   <li>{@code command}: {@code {"run":[ARGV...]}} or {@code {"shell":"LINE"}}, exactly as written; left out
 *       entirely under {@link TaskIdentity#CONFIG};</li>
 *   <li>{@code config}: the normalised config (keys sorted, numbers canonical);</li>
 *   <li>{@code tool}: the tool name (the task's name when it names no tool);</li>
 *   <li>{@code v}: {@value #VERSION}, the version of this formula, so a change to it changes every key.</li>
 * </ul>
 *
 * <p>Not in it: the task's name, stage, resources, time limit, env, retries, inputs and outputs, and the
 * workflow. Two tasks that differ only there are the same task; the planner refuses identical tasks that ask
 * for different resources, time, env or retries, since one run cannot honour both.
 */
public final class TaskKeys {
    /** The version of the identity document; bump it when its contents change. */
    public static final int VERSION = 1;

    private TaskKeys() {
    }

    /** The key of {@code task} under {@code identity}, given its dependencies' keys (any order, repeats ignored). */
    public static String of(TaskSpec task, TaskIdentity identity, Collection<String> dependencyKeys) {
        return sha256(identityDocument(task, identity, dependencyKeys));
    }

    /** The canonical JSON that {@link #of} hashes: for explaining a key, or recomputing it elsewhere. */
    public static String identityDocument(TaskSpec task, TaskIdentity identity, Collection<String> dependencyKeys) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("after", List.copyOf(new TreeSet<>(dependencyKeys)));
        if (identity == TaskIdentity.COMMAND) {
            doc.put("command", task.usesShell() ? Map.of("shell", task.shell()) : Map.of("run", task.run()));
        }
        doc.put("config", task.config());
        doc.put("tool", task.tool());
        doc.put("v", (long) VERSION);
        return CanonicalJson.write(doc);
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
