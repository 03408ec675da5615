package dev.labq.core.pipeline;

import dev.labq.core.pipeline.SourceTree.Document;
import dev.labq.core.pipeline.SourceTree.Kind;
import dev.labq.core.pipeline.SourceTree.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Landseer pipeline configuration ({@code labq pipeline submit --landseer FILE}) and its expansion into a
 * labq pipeline, doing what Landseer's README promises (its loader at the configs' commit makes every task of
 * every workflow separately, without dependencies or dedup):
 *
 * <ul>
 *   <li>Stages run in the order {@code pre_training, during_training, post_training, deployment}; a stage the
 *       file leaves out is skipped; one it names but gives neither tools nor a noop is refused, as is a stage
 *       name outside these four. Keys outside {@code pipeline} (dataset, model, ...) are Landseer's business
 *       and ignored.</li>
 *   <li>A stage's options are its {@code tools} in file order, then its {@code noop}. Each tool has a
 *       {@code name} and a {@code container} (or, as older files write it, {@code docker}) with {@code image},
 *       {@code command} and optionally {@code config_script}.</li>
 *   <li>The workflows are every combination of one option per stage, the last stage varying fastest, named
 *       {@code comb_001}, {@code comb_002}, ... as Landseer names them. In a workflow each stage's task runs
 *       after the previous stage's task, so combinations that share a prefix share its tasks.</li>
 *   <li>A task is named {@code STAGE/TOOL} (unique within a workflow even when two stages use one tool name);
 *       its tool is the tool's name, its stage the stage; its config, and with it its identity
 *       ({@link TaskIdentity#CONFIG}), is {@code {image, command, config_script if given}}; so a task's key
 *       covers tool name, image, command, config_script and the previous stage's task key, not the runner.</li>
 *   <li>Its shell command is the runner template with {@code {image}}, {@code {command}}, {@code {name}} (the
 *       tool's name) and {@code {stage}} put in verbatim, in one pass (quote them in the template where needed;
 *       {@code ${VAR}} is left to the shell). Default: {@value #DEFAULT_RUNNER}.</li>
 *   <li>The pipeline has dedup {@code pipeline} and policy {@code landseer}.</li>
 * </ul>
 *
 * <p>For {@code trades.yaml} (2, 2, 2 and 3 options): 24 workflows, 96 task uses, 2 + 4 + 8 + 24 = 38 tasks, with
 * usage counters 12, 6, 3, 1 and priorities -12, 994, 997, 999 per stage.
 */
public record LandseerConfig(List<Stage> stages) {
    /** Landseer's stages, in the order they run. */
    public static final List<String> STAGES = List.of("pre_training", "during_training", "post_training", "deployment");
    public static final String DEFAULT_RUNNER = "docker run --rm {image} {command}";
    private static final Set<String> PLACEHOLDERS = Set.of("image", "command", "name", "stage");
    /** {@code {word}}, but not the shell's {@code ${word}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([^{}\\s]*)}");

    public LandseerConfig {
        if (stages == null || stages.isEmpty()) {
            throw new InvalidPipelineException("pipeline", "", "pipeline", "(no stages)",
                    "give at least one of the stages " + STAGES + ", each with tools or a noop");
        }
        stages = List.copyOf(stages);
        for (int i = 1; i < stages.size(); i++) {
            if (STAGES.indexOf(stages.get(i - 1).name()) >= STAGES.indexOf(stages.get(i).name())) {
                throw new InvalidPipelineException("pipeline." + stages.get(i).name(), "", "stages",
                        stages.stream().map(Stage::name).toList(), "give each stage once, in the order " + STAGES);
            }
        }
    }

    /**
     * A tool (or noop) of a stage.
     *
     * @param configScript the {@code config_script} of its container, or {@code null}
     */
    public record Tool(String name, String image, String command, String configScript) {
        public Tool {
            if (name == null || name.isBlank()) {
                throw new InvalidPipelineException("name", "", "name", name, "give every tool a name");
            }
            if (image == null || image.isBlank()) {
                throw new InvalidPipelineException("container.image", "tool " + name, "container.image", image,
                        "give the tool's container image, for example ghcr.io/landseer-project/pre_noop:v1");
            }
            if (command == null) {
                throw new InvalidPipelineException("container.command", "tool " + name, "container.command", null,
                        "give the command the container runs, for example python main.py (\"\" for the image's own)");
            }
            if (configScript != null && configScript.isBlank()) {
                throw new InvalidPipelineException("container.config_script", "tool " + name, "container.config_script",
                        configScript, "give the script's path, or leave config_script out");
            }
        }

        /** What identifies the tool's work: image, command, and config_script when given. */
        public Map<String, Object> identityConfig() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("image", image);
            config.put("command", command);
            if (configScript != null) {
                config.put("config_script", configScript);
            }
            return config;
        }
    }

    /** A stage: its tools in file order and its noop ({@code null} if none); at least one of them. */
    public record Stage(String name, List<Tool> tools, Tool noop) {
        public Stage {
            if (!STAGES.contains(name)) {
                throw new InvalidPipelineException("pipeline." + name, "", "pipeline." + name, "(unknown stage)",
                        "use the stages " + STAGES);
            }
            tools = tools == null ? List.of() : List.copyOf(tools);
            if (tools.isEmpty() && noop == null) {
                throw new InvalidPipelineException("pipeline." + name, "stage " + name, "tools", "(none)",
                        "give the stage tools or a noop, or remove the stage (a missing stage is skipped)");
            }
        }

        /** One workflow picks one of these: the tools, then the noop. */
        public List<Tool> options() {
            if (noop == null) {
                return tools;
            }
            List<Tool> all = new ArrayList<>(tools);
            all.add(noop);
            return List.copyOf(all);
        }
    }

    /** The configuration in {@code text}; {@code source} (a file name) names it in errors. */
    public static LandseerConfig parse(String text, String source) {
        Document doc = SourceTree.read(text, source);
        try {
            return config(doc.root());
        } catch (InvalidPipelineException e) {
            throw doc.locate(e); // found in the tree, so not yet located
        }
    }

    /** How many workflows (combinations) the stages make. */
    public int workflowCount() {
        int count = 1;
        for (Stage s : stages) {
            count = Math.multiplyExact(count, s.options().size());
        }
        return count;
    }

    /**
     * The labq pipeline: one workflow per combination, tasks keyed and named as the class comment says.
     *
     * @param name    the pipeline's name (the CLI uses the file's name without {@code .yaml})
     * @param project the project charged, or {@code null} for the default
     * @param runner  the runner template, or {@code null} for {@value #DEFAULT_RUNNER}
     */
    public PipelineSpec toPipeline(String name, String project, String runner) {
        String template = runner == null ? DEFAULT_RUNNER : runner;
        checkRunner(template);
        List<List<Tool>> options = stages.stream().map(Stage::options).toList();
        int combinations;
        try {
            combinations = workflowCount();
        } catch (ArithmeticException e) {
            throw new InvalidPipelineException("pipeline", "", "workflows", "(more than " + Integer.MAX_VALUE + ")",
                    "the stages make too many combinations; split the configuration");
        }
        int[] pick = new int[stages.size()];
        List<WorkflowSpec> workflows = new ArrayList<>(combinations);
        for (int c = 1; c <= combinations; c++) {
            List<TaskSpec> tasks = new ArrayList<>(stages.size());
            String previous = null;
            for (int s = 0; s < stages.size(); s++) {
                String stage = stages.get(s).name();
                Tool tool = options.get(s).get(pick[s]);
                TaskSpec.Builder task = TaskSpec.builder(stage + "/" + tool.name())
                        .tool(tool.name())
                        .config(tool.identityConfig())
                        .shell(runCommand(template, tool, stage))
                        .stage(stage);
                if (previous != null) {
                    task.after(previous);
                }
                TaskSpec built = task.build();
                tasks.add(built);
                previous = built.name();
            }
            workflows.add(new WorkflowSpec(String.format("comb_%03d", c), tasks));
            for (int s = pick.length - 1; s >= 0; s--) { // an odometer: the last stage turns fastest
                if (++pick[s] < options.get(s).size()) {
                    break;
                }
                pick[s] = 0;
            }
        }
        return new PipelineSpec(name, project, DedupScope.PIPELINE, PipelineSpec.POLICY_LANDSEER, OnFailure.FAIL, null,
                TaskIdentity.CONFIG, workflows, List.of());
    }

    /** {@link #toPipeline} planned. */
    public PipelinePlan plan(String name, String project, String runner) {
        return PipelinePlanner.plan(toPipeline(name, project, runner));
    }

    /** The runner template with the tool's and stage's values put in, in one pass. */
    public static String runCommand(String runner, Tool tool, String stage) {
        Matcher m = PLACEHOLDER.matcher(runner);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "image" -> tool.image();
                case "command" -> tool.command();
                case "name" -> tool.name();
                case "stage" -> stage;
                default -> m.group(); // checkRunner refuses these; left as written for a caller that did not check
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().strip();
    }

    /** Refuses a blank runner or one with a placeholder other than {image}, {command}, {name}, {stage}. */
    public static void checkRunner(String runner) {
        if (runner == null || runner.isBlank()) {
            throw new InvalidPipelineException("runner", "", "runner", runner,
                    "give a command line such as '" + DEFAULT_RUNNER + "'");
        }
        Matcher m = PLACEHOLDER.matcher(runner);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new InvalidPipelineException("runner", "", "runner", runner, "unknown placeholder " + m.group()
                        + "; use {image}, {command}, {name}, {stage} (write ${VAR} for a shell variable)");
            }
        }
    }

    private static LandseerConfig config(Node root) {
        if (root.kind() != Kind.MAP || !root.map().containsKey("pipeline")) {
            throw new InvalidPipelineException("", "", "pipeline", "(none)",
                    "a Landseer configuration has a pipeline: map of stages " + STAGES);
        }
        Node pipeline = root.map().get("pipeline");
        if (pipeline.kind() != Kind.MAP) {
            throw new InvalidPipelineException(pipeline.path(), "", "pipeline", pipeline.describe(),
                    "pipeline is a map of stages " + STAGES);
        }
        List<Stage> stages = new ArrayList<>();
        for (Map.Entry<String, Node> e : pipeline.map().entrySet()) {
            if (!STAGES.contains(e.getKey())) {
                throw new InvalidPipelineException(e.getValue().path(), "", e.getValue().path(), "(unknown stage)",
                        "use the stages " + STAGES);
            }
            stages.add(stage(e.getKey(), e.getValue()));
        }
        stages.sort(Comparator.comparingInt(s -> STAGES.indexOf(s.name()))); // files may list them in any order
        return new LandseerConfig(stages);
    }

    private static Stage stage(String name, Node node) {
        String place = "stage " + name;
        List<Tool> tools = new ArrayList<>();
        Tool noop = null;
        if (node.kind() == Kind.MAP) {
            Map<String, Node> keys = node.entries(Set.of("tools", "noop"), place, "a stage");
            Node list = keys.get("tools");
            if (list != null && list.kind() == Kind.LIST) {
                for (Node t : list.list()) {
                    tools.add(tool(t, place, "tool"));
                }
            } else if (list != null && list.kind() != Kind.NULL) {
                throw new InvalidPipelineException(list.path(), place, "tools", list.describe(),
                        "tools is a list of {name, container: {image, command}}");
            }
            Node n = keys.get("noop");
            if (n != null && n.kind() != Kind.NULL) {
                noop = tool(n, place, "noop");
            }
        } else if (node.kind() != Kind.NULL) {
            throw new InvalidPipelineException(node.path(), place, node.path(), node.describe(),
                    "a stage is a map with tools and/or noop");
        }
        return new Stage(name, tools, noop);
    }

    private static Tool tool(Node node, String stagePlace, String what) {
        if (node.kind() != Kind.MAP) {
            throw new InvalidPipelineException(node.path(), stagePlace, what, node.describe(),
                    "give {name: NAME, container: {image: IMAGE, command: COMMAND}}"
                            + (node.kind() == Kind.TEXT ? " (tool names from a separate tools.yaml registry are not read)" : ""));
        }
        Node nameNode = node.map().get("name");
        String name = nameNode != null && nameNode.isScalar() ? nameNode.text() : null;
        String place = stagePlace + ", " + what + " " + (name == null ? "(unnamed)" : name);
        Map<String, Node> keys = node.entries(Set.of("name", "container", "docker"), place, "a tool");
        if (name == null || name.isBlank()) {
            throw new InvalidPipelineException(node.path() + ".name", place, "name", name, "give every tool a name");
        }
        Node container = keys.get("container");
        Node docker = keys.get("docker");
        if (container != null && docker != null) {
            throw new InvalidPipelineException(docker.path(), place, "docker", "(with container)",
                    "docker is an older name for container; give one of them");
        }
        Node c = container != null ? container : docker;
        if (c == null || c.kind() != Kind.MAP) {
            throw new InvalidPipelineException(c == null ? node.path() : c.path(), place, "container", c == null ? null : c.describe(),
                    "give the tool's container: {image: IMAGE, command: COMMAND}");
        }
        Map<String, Node> fields = c.entries(Set.of("image", "command", "config_script"), place, "a container");
        String image = text(fields.get("image"), place);
        String command = text(fields.get("command"), place);
        String configScript = text(fields.get("config_script"), place);
        try {
            return new Tool(name, image, command, configScript);
        } catch (InvalidPipelineException e) {
            // Tool names its fields as container.*; the file may say docker.
            throw new InvalidPipelineException(c.path() + e.path().substring(e.path().indexOf('.')), place,
                    c.path().substring(c.path().lastIndexOf('.') + 1) + e.field().substring(e.field().indexOf('.')),
                    e.value(), e.fix());
        }
    }

    private static String text(Node node, String place) {
        if (node == null || node.kind() == Kind.NULL) {
            return null;
        }
        if (!node.isScalar()) {
            throw new InvalidPipelineException(node.path(), place, node.path().substring(node.path().lastIndexOf('.') + 1),
                    node.describe(), "give text here");
        }
        return node.text();
    }
}
