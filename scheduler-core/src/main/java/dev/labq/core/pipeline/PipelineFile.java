package dev.labq.core.pipeline;

import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.RetryPolicy;
import dev.labq.core.domain.TimeSpecs;
import dev.labq.core.pipeline.SourceTree.Document;
import dev.labq.core.pipeline.SourceTree.Kind;
import dev.labq.core.pipeline.SourceTree.Node;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a pipeline file (YAML, or JSON when the source ends in {@code .json}; one model, described by
 * {@code config/pipeline.schema.json}) into a valid {@link PipelineSpec}. Every rejection is one line with the
 * file, the line, the workflow and task, the key, the value and the fix; unknown keys are rejections.
 *
 * <pre>
 * pipeline: defense-eval
 * project: research
 * dedup: pipeline              # pipeline | project | none
 * policy: landseer             # optional
 * onFailure: fail              # fail | hold
 * workflows:
 *   - name: combo-1
 *     tasks:
 *       - name: outlier
 *         tool: outlier_detection
 *         config: { threshold: 0.95 }
 *         run: [python, main.py]
 *         resources: { cpus: 2, mem: 4G, gpus: 1 }
 *         outputs: [out/clean.npz]
 *       - name: adv
 *         tool: adv_training
 *         config: { epsilon: 0.3 }
 *         shell: python train.py --epsilon 0.3
 *         inputs: [out/clean.npz]   # implies after: [outlier]
 * </pre>
 *
 * <p>Value forms: {@code time} is a whole number of seconds or a Slurm limit as text ({@code "30"} minutes,
 * {@code 1:00:00}, {@code 2-00:00:00}); {@code mem} is a size ({@code 512M}, {@code 4G}) or a whole number of MiB;
 * {@code after}, {@code inputs} and {@code outputs} are a list or a single text; {@code run} items and {@code env}
 * values may be numbers or booleans, taken as written.
 */
public final class PipelineFile {
    static final Set<String> PIPELINE_KEYS =
            Set.of("pipeline", "project", "dedup", "policy", "onFailure", "deadline", "identity", "workflows", "tasks");
    static final Set<String> WORKFLOW_KEYS = Set.of("name", "tasks");
    static final Set<String> TASK_KEYS = Set.of("name", "tool", "config", "run", "shell", "resources", "time", "after",
            "inputs", "outputs", "stage", "retries", "backoff", "retryOn", "env");
    static final Set<String> RESOURCE_KEYS = Set.of("cpus", "mem", "gpus", "gpuType", "gpuMem");

    private PipelineFile() {
    }

    /**
     * The pipeline in {@code text}; {@code source} names it in errors (a file name) and picks the syntax.
     *
     * @throws InvalidPipelineException naming the place of the first problem found
     */
    public static PipelineSpec parse(String text, String source) {
        Document doc = SourceTree.read(text, source);
        try {
            return pipeline(doc.root());
        } catch (InvalidPipelineException e) {
            throw doc.locate(e); // found in the tree, so not yet located
        }
    }

    /**
     * The pipeline in {@code text}, planned: what {@code labq pipeline submit} accepts. Planning refuses identical
     * tasks that ask for different runs; this names their line too, which {@code PipelinePlanner} alone cannot.
     */
    public static PipelinePlan plan(String text, String source, PriorResults prior) {
        return planWith(text, source, spec -> prior);
    }

    /**
     * {@link #plan(String, String, PriorResults)} with the earlier results chosen for the pipeline read (its
     * project and dedup scope): {@code priorFor} is asked once, after the file is read and before it is planned.
     */
    public static PipelinePlan planWith(String text, String source, Function<PipelineSpec, PriorResults> priorFor) {
        Document doc = SourceTree.read(text, source);
        try {
            PipelineSpec spec = pipeline(doc.root());
            return PipelinePlanner.plan(spec, priorFor.apply(spec));
        } catch (InvalidPipelineException e) {
            throw doc.locate(e); // found in the tree, so not yet located
        }
    }

    private static PipelineSpec pipeline(Node root) {
        if (root.kind() != Kind.MAP) {
            throw new InvalidPipelineException("", "", "file", root.describe(),
                    "a pipeline file is a map with pipeline, project, workflows and/or tasks");
        }
        Map<String, Node> keys = root.entries(PIPELINE_KEYS, "", "the pipeline");
        Node name = keys.get("pipeline");
        if (name == null) {
            throw new InvalidPipelineException("", "", "pipeline", null, "name the pipeline: pipeline: NAME");
        }
        List<WorkflowSpec> workflows = new ArrayList<>();
        Node wf = keys.get("workflows");
        if (wf != null && wf.kind() != Kind.NULL) {
            for (Node w : list(wf, "", "workflows")) {
                workflows.add(workflow(w));
            }
        }
        List<TaskSpec> tasks = new ArrayList<>();
        Node ts = keys.get("tasks");
        if (ts != null && ts.kind() != Kind.NULL) {
            for (Node t : list(ts, "", "tasks")) {
                tasks.add(task(t, ""));
            }
        }
        String dedup = optionalText(keys.get("dedup"), "");
        String onFailure = optionalText(keys.get("onFailure"), "");
        String identity = optionalText(keys.get("identity"), "");
        return new PipelineSpec(text(name, ""), optionalText(keys.get("project"), ""),
                dedup == null ? null : DedupScope.of(dedup),
                optionalText(keys.get("policy"), ""),
                onFailure == null ? null : OnFailure.of(onFailure),
                optionalText(keys.get("deadline"), ""),
                identity == null ? null : TaskIdentity.of(identity),
                workflows, tasks);
    }

    private static WorkflowSpec workflow(Node w) {
        if (w.kind() != Kind.MAP) {
            throw new InvalidPipelineException(w.path(), "", "workflows", w.describe(), "each workflow is a map with name and tasks");
        }
        Node nameNode = w.map().get("name");
        if (nameNode == null) {
            throw new InvalidPipelineException(w.path(), "", "name", null, "give every workflow a name");
        }
        String name = text(nameNode, "");
        String place = "workflow " + name;
        Map<String, Node> keys = w.entries(WORKFLOW_KEYS, place, "a workflow");
        List<TaskSpec> tasks = new ArrayList<>();
        Node ts = keys.get("tasks");
        if (ts != null && ts.kind() != Kind.NULL) {
            for (Node t : list(ts, place, "tasks")) {
                tasks.add(task(t, place));
            }
        }
        try {
            return new WorkflowSpec(name, tasks);
        } catch (InvalidPipelineException e) {
            throw e.within(w.path(), "");
        }
    }

    private static TaskSpec task(Node t, String workflowPlace) {
        if (t.kind() != Kind.MAP) {
            throw new InvalidPipelineException(t.path(), workflowPlace, "tasks", t.describe(), "each task is a map with name and run or shell");
        }
        Node nameNode = t.map().get("name");
        if (nameNode == null) {
            throw new InvalidPipelineException(t.path(), workflowPlace, "name", null, "give every task a name");
        }
        String name = text(nameNode, workflowPlace);
        String place = workflowPlace.isEmpty() ? "task " + name : workflowPlace + ", task " + name;
        Map<String, Node> keys = t.entries(TASK_KEYS, place, "a task");
        Node config = keys.get("config");
        if (config != null && config.kind() != Kind.MAP && config.kind() != Kind.NULL) {
            throw new InvalidPipelineException(config.path(), place, "config", config.describe(), "config is a map of the tool's settings");
        }
        Node run = keys.get("run");
        if (run != null && run.kind() == Kind.TEXT) {
            throw new InvalidPipelineException(run.path(), place, "run", run.text(),
                    "run is an argv list such as [python, main.py]; use shell: for a command line");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> configValue = config == null ? null : (Map<String, Object>) config.plain();
        Node retries = keys.get("retries");
        String tool = optionalText(keys.get("tool"), place);
        List<String> argv = run == null || run.kind() == Kind.NULL ? null : texts(run, place, "run");
        String shell = optionalText(keys.get("shell"), place);
        Resources resources = resources(keys.get("resources"), place);
        Long time = time(keys.get("time"), place);
        List<String> after = names(keys.get("after"), place, "after");
        List<String> inputs = names(keys.get("inputs"), place, "inputs");
        List<String> outputs = names(keys.get("outputs"), place, "outputs");
        String stage = optionalText(keys.get("stage"), place);
        int retryCount = retries == null ? 0 : whole(retries, place, "retries");
        Map<String, String> env = env(keys.get("env"), place);
        RetryPolicy retryPolicy = retryPolicy(keys.get("backoff"), keys.get("retryOn"), place);
        try {
            return new TaskSpec(name, tool, configValue, argv, shell, resources, time, after, inputs, outputs, stage,
                    retryCount, env, retryPolicy);
        } catch (InvalidPipelineException e) {
            // The task's own checks name the field relative to the task; put its path and workflow in front.
            throw e.within(t.path(), workflowPlace);
        }
    }

    private static Resources resources(Node node, String place) {
        if (node == null || node.kind() == Kind.NULL) {
            return null;
        }
        if (node.kind() != Kind.MAP) {
            throw new InvalidPipelineException(node.path(), place, "resources", node.describe(),
                    "resources is a map: { cpus: 2, mem: 4G, gpus: 1 (or a share: 0.5), gpuType: a100, gpuMem: 40G }");
        }
        Map<String, Node> keys = node.entries(RESOURCE_KEYS, place, "resources");
        Node cpus = keys.get("cpus");
        Node mem = keys.get("mem");
        Node gpus = keys.get("gpus");
        long memoryMb = Resources.DEFAULT.memoryMb();
        if (mem != null && mem.kind() != Kind.NULL) {
            try {
                memoryMb = Resources.parseMemoryMb(scalar(mem, place, "resources.mem"));
            } catch (InvalidInputException e) {
                throw InvalidPipelineException.of(e, mem.path(), place, "resources.");
            }
        }
        Node gpuMem = keys.get("gpuMem");
        try {
            int[] devices = gpus == null || gpus.kind() == Kind.NULL ? new int[] {0, 0} : Resources.parseGpus(scalar(gpus, place, "resources.gpus"));
            return new Resources(cpus == null ? Resources.DEFAULT.cpus() : whole(cpus, place, "resources.cpus"),
                    memoryMb, devices[0], optionalText(keys.get("gpuType"), place),
                    gpuMem == null || gpuMem.kind() == Kind.NULL ? null : Resources.parseMemoryMb(scalar(gpuMem, place, "resources.gpuMem")),
                    devices[1] == 0 ? null : devices[1]);
        } catch (InvalidInputException e) {
            String field = e.field().equals("gpu-type") ? "gpuType" : e.field().equals("gpu-mem") || e.field().equals("mem") ? "gpuMem" : e.field();
            Node at = keys.getOrDefault(field, node);
            throw new InvalidPipelineException(at.path(), place, "resources." + field, e.value(),
                    e.fix().contains("--gpus") ? e.fix().replace("--gpus", "gpus:") : e.fix());
        }
    }

    private static Long time(Node node, String place) {
        if (node == null || node.kind() == Kind.NULL) {
            return null;
        }
        if (node.kind() == Kind.NUMBER) {
            return (long) whole(node, place, "time"); // a bare number is seconds; "30" as text is Slurm's minutes
        }
        try {
            return TimeSpecs.parseTimeLimitSeconds(scalar(node, place, "time"));
        } catch (InvalidInputException e) {
            throw new InvalidPipelineException(node.path(), place, "time", node.text(),
                    "give seconds (3600) or a Slurm limit as text: \"30\" (minutes), 1:00:00, 2-00:00:00");
        }
    }

    /** {@code backoff:} and {@code retryOn:} as {@code labq submit --backoff / --retry-on} take them; null when neither is given. */
    private static RetryPolicy retryPolicy(Node backoff, Node retryOn, String place) {
        RetryPolicy.Backoff wait = null;
        RetryPolicy.RetryOn on = null;
        if (backoff != null && backoff.kind() != Kind.NULL) {
            try {
                wait = RetryPolicy.Backoff.parse(scalar(backoff, place, "backoff"));
            } catch (InvalidInputException e) {
                throw new InvalidPipelineException(backoff.path(), place, "backoff", backoff.text(), e.fix());
            }
        }
        if (retryOn != null && retryOn.kind() != Kind.NULL) {
            try {
                on = RetryPolicy.RetryOn.parse(scalar(retryOn, place, "retryOn"));
            } catch (InvalidInputException e) {
                throw new InvalidPipelineException(retryOn.path(), place, "retryOn", retryOn.text(), e.fix());
            }
        }
        return wait == null && on == null ? null : new RetryPolicy(wait, on);
    }

    private static Map<String, String> env(Node node, String place) {
        if (node == null || node.kind() == Kind.NULL) {
            return null;
        }
        if (node.kind() != Kind.MAP) {
            throw new InvalidPipelineException(node.path(), place, "env", node.describe(), "env is a map of NAME: value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.map().forEach((k, v) -> out.put(k, v.kind() == Kind.NULL ? null : scalar(v, place, "env." + k)));
        return out;
    }

    private static List<Node> list(Node node, String place, String field) {
        if (node.kind() != Kind.LIST) {
            throw new InvalidPipelineException(node.path(), place, field, node.describe(), field + " is a list");
        }
        return node.list();
    }

    /** A list of scalars as written; or one scalar as a list of one (after: outlier). */
    private static List<String> names(Node node, String place, String field) {
        if (node == null || node.kind() == Kind.NULL) {
            return null;
        }
        return node.isScalar() ? List.of(node.text()) : texts(node, place, field);
    }

    private static List<String> texts(Node node, String place, String field) {
        List<String> out = new ArrayList<>();
        for (Node item : list(node, place, field)) {
            out.add(scalar(item, place, field));
        }
        return out;
    }

    private static String text(Node node, String place) {
        String field = node.path().substring(node.path().lastIndexOf('.') + 1);
        return scalar(node, place, field);
    }

    private static String optionalText(Node node, String place) {
        return node == null || node.kind() == Kind.NULL ? null : text(node, place);
    }

    /** A scalar's text as written: {@code name: 7} is the name "7". */
    private static String scalar(Node node, String place, String field) {
        if (!node.isScalar()) {
            throw new InvalidPipelineException(node.path(), place, field, node.describe(), "give text here");
        }
        return node.text();
    }

    private static int whole(Node node, String place, String field) {
        BigDecimal n = node.number();
        if (node.kind() != Kind.NUMBER || n.stripTrailingZeros().scale() > 0
                || n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0 || n.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0) {
            throw new InvalidPipelineException(node.path(), place, field, node.describe(), "use a whole number");
        }
        return n.intValueExact();
    }
}
