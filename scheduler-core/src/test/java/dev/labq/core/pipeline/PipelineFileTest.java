package dev.labq.core.pipeline;

import dev.labq.core.LabqException;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static dev.labq.core.pipeline.Fixtures.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineFileTest {
    static final String ISSUE_EXAMPLE = """
            pipeline: defense-eval          # name
            project: research
            dedup: pipeline
            policy: landseer
            workflows:
              - name: combo-1
                tasks:
                  - name: outlier
                    tool: outlier_detection
                    config: { threshold: 0.95 }
                    run: [python, main.py]
                    resources: { cpus: 2, mem: 4G, gpus: 1 }
                    outputs: [out/clean.npz]
                  - name: adv
                    tool: adv_training
                    config: { epsilon: 0.3 }
                    shell: python train.py --epsilon 0.3
                    after: [outlier]
                    inputs: [out/clean.npz]
            tasks: []
            """;

    @Test
    void aFileOfMoreThanSnakeYamlsDefaultThreeMebibytesIsRead() {
        String comment = "# " + "x".repeat(4 * 1024 * 1024) + "\n"; // larger than SnakeYAML's default limit
        PipelineSpec spec = PipelineFile.parse(comment + "pipeline: big\ntasks:\n  - { name: t, run: [x] }\n", "big.yaml");
        assertEquals("big", spec.name());
    }

    @Test
    void readsTheIssuesExample() {
        PipelineSpec spec = PipelineFile.parse(ISSUE_EXAMPLE, "defense.yaml");
        assertEquals("defense-eval", spec.name());
        assertEquals("research", spec.project());
        assertEquals(DedupScope.PIPELINE, spec.dedup());
        assertEquals("landseer", spec.policy());
        assertEquals(OnFailure.FAIL, spec.onFailure());
        assertEquals(TaskIdentity.COMMAND, spec.identity());
        assertEquals(List.of(), spec.tasks());
        WorkflowSpec w = spec.workflows().get(0);
        assertEquals("combo-1", w.name());
        TaskSpec outlier = w.tasks().get(0);
        assertEquals("outlier_detection", outlier.tool());
        assertEquals(Map.of("threshold", new BigDecimal("0.95")), outlier.config());
        assertEquals(List.of("python", "main.py"), outlier.run());
        assertEquals(new Resources(2, 4096, 1, null), outlier.resources());
        assertEquals(List.of("out/clean.npz"), outlier.outputs());
        TaskSpec adv = w.tasks().get(1);
        assertEquals("python train.py --epsilon 0.3", adv.shell());
        assertEquals(List.of("outlier"), adv.after());
        assertEquals(List.of("out/clean.npz"), adv.inputs());
    }

    @Test
    void readsJsonIntoTheSameModel() {
        String json = """
                {"pipeline": "defense-eval", "project": "research", "dedup": "pipeline", "policy": "landseer",
                 "workflows": [{"name": "combo-1", "tasks": [
                   {"name": "outlier", "tool": "outlier_detection", "config": {"threshold": 0.95},
                    "run": ["python", "main.py"], "resources": {"cpus": 2, "mem": "4G", "gpus": 1},
                    "outputs": ["out/clean.npz"]},
                   {"name": "adv", "tool": "adv_training", "config": {"epsilon": 0.3},
                    "shell": "python train.py --epsilon 0.3", "after": ["outlier"], "inputs": ["out/clean.npz"]}]}],
                 "tasks": []}
                """;
        assertEquals(PipelineFile.parse(ISSUE_EXAMPLE, "defense.yaml"), PipelineFile.parse(json, "defense.json"));
    }

    @Test
    void readsEveryTaskKeyAndItsValueForms() {
        PipelineSpec spec = PipelineFile.parse("""
                pipeline: p
                onFailure: hold
                dedup: none
                identity: config
                deadline: 2026-12-01T12:00
                tasks:
                  - name: prep
                    run: [sleep, 10, true]
                    time: 90
                    resources: { mem: 512, gpus: 2, gpuType: a100 }
                    outputs: data.npz
                    stage: pre
                    retries: 2
                    backoff: exp:10s:10m
                    retryOn: 1,timeout
                    env: { THREADS: 4, MODE: fast, EMPTY: "" }
                  - name: train
                    tool: trainer
                    shell: python train.py
                    time: "1:00:00"
                    after: prep
                    inputs: [./data.npz]
                  - name: eval
                    run: [eval]
                    time: "30"
                    config: ~
                    resources: ~
                """, "p.yaml");
        assertEquals(OnFailure.HOLD, spec.onFailure());
        assertEquals(DedupScope.NONE, spec.dedup());
        assertEquals(TaskIdentity.CONFIG, spec.identity());
        assertEquals("2026-12-01T12:00", spec.deadline());
        TaskSpec prep = spec.tasks().get(0);
        assertEquals(List.of("sleep", "10", "true"), prep.run(), "scalars in run are taken as written");
        assertEquals(90L, prep.timeLimitSeconds(), "a bare number is seconds");
        assertEquals(new Resources(1, 512, 2, "a100"), prep.resources(), "mem without unit is MiB; cpus default 1");
        assertEquals(List.of("data.npz"), prep.outputs(), "one text is a list of one");
        assertEquals("pre", prep.stage());
        assertEquals(2, prep.retries());
        assertEquals(new dev.labq.core.domain.RetryPolicy(dev.labq.core.domain.RetryPolicy.Backoff.parse("exp:10s:10m"),
                dev.labq.core.domain.RetryPolicy.RetryOn.parse("1,timeout")), prep.retryPolicy(), "as submit's --backoff and --retry-on");
        assertNull(spec.tasks().get(1).retryPolicy());
        assertEquals(Map.of("THREADS", "4", "MODE", "fast", "EMPTY", ""), prep.env());
        assertEquals("prep", prep.tool(), "tool defaults to the name");
        TaskSpec train = spec.tasks().get(1);
        assertEquals(3600L, train.timeLimitSeconds());
        assertEquals(List.of("prep"), train.after());
        assertEquals(1800L, spec.tasks().get(2).timeLimitSeconds(), "\"30\" as text is Slurm's 30 minutes");
        assertEquals(Map.of(), spec.tasks().get(2).config());
        assertEquals(Resources.DEFAULT, spec.tasks().get(2).resources());
        assertNull(spec.tasks().get(2).stage());
    }

    @Test
    void keepsNumbersCanonicalAndKeysSortedInConfig() {
        PipelineSpec a = PipelineFile.parse("""
                pipeline: p
                tasks: [{name: t, run: [x], config: {b: 1.0, a: {z: 1e3, y: [0.50, "s", true, null]}}}]
                """, "p.yaml");
        PipelineSpec b = PipelineFile.parse("""
                {"pipeline": "p", "tasks": [{"name": "t", "run": ["x"],
                  "config": {"a": {"y": [0.5, "s", true, null], "z": 1000}, "b": 1}}]}
                """, "p.json");
        assertEquals(a, b);
        assertEquals("{\"a\":{\"y\":[0.5,\"s\",true,null],\"z\":1000},\"b\":1}",
                CanonicalJson.write(a.tasks().get(0).config()));
    }

    @Test
    void refusesUnknownKeysAtEveryLevelWithTheKnownOnes() {
        InvalidPipelineException top = refusal("pipeline: p\nworkflow: []\ntasks: [{name: t, run: [x]}]\n");
        assertEquals("p.yaml line 2: invalid workflow=(unknown key): remove it or use one of [deadline, dedup, identity, "
                + "onFailure, pipeline, policy, project, tasks, workflows] under the pipeline", top.getMessage());
        assertEquals(LabqException.Kind.INVALID_INPUT, top.kind());

        InvalidPipelineException workflow = refusal("pipeline: p\nworkflows:\n  - name: w\n    task: []\n");
        assertEquals("p.yaml line 4: workflow w: invalid task=(unknown key): remove it or use one of [name, tasks] under a workflow",
                workflow.getMessage());

        InvalidPipelineException task = refusal("""
                pipeline: p
                workflows:
                  - name: w
                    tasks:
                      - name: t
                        run: [x]
                        depends: [a]
                """);
        assertEquals("p.yaml line 7: workflow w, task t: invalid depends=(unknown key): remove it or use one of [after, backoff, config, env, "
                + "inputs, name, outputs, resources, retries, retryOn, run, shell, stage, time, tool] under a task", task.getMessage());
        assertEquals("workflows[0].tasks[0].depends", task.path());

        InvalidPipelineException resources = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    resources: {memory: 4G}\n");
        assertEquals("p.yaml line 5: task t: invalid memory=(unknown key): remove it or use one of [cpus, gpuMem, gpuType, gpus, "
                + "mem] under resources", resources.getMessage());
    }

    @Test
    void refusesValuesOfTheWrongShape() {
        assertEquals("p.yaml line 1: invalid file=(a list): a pipeline file is a map with pipeline, project, workflows and/or tasks",
                refusal("- a\n- b\n").getMessage());
        assertEquals("p.yaml line 1: invalid pipeline=(none): name the pipeline: pipeline: NAME",
                refusal("tasks: [{name: t, run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 2: invalid tasks=(a map): tasks is a list",
                refusal("pipeline: p\ntasks: {name: t}\n").getMessage());
        assertEquals("p.yaml line 2: invalid workflows=w: each workflow is a map with name and tasks",
                refusal("pipeline: p\nworkflows: [w]\n").getMessage());
        assertEquals("p.yaml line 2: invalid name=(none): give every workflow a name",
                refusal("pipeline: p\nworkflows: [{tasks: [{name: t, run: [x]}]}]\n").getMessage());
        assertEquals("p.yaml line 2: invalid tasks=t: each task is a map with name and run or shell",
                refusal("pipeline: p\ntasks: [t]\n").getMessage());
        assertEquals("p.yaml line 2: invalid name=(none): give every task a name",
                refusal("pipeline: p\ntasks: [{run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid config=threshold: config is a map of the tool's settings",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], config: threshold}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid run=python main.py: run is an argv list such as [python, main.py]; "
                + "use shell: for a command line", refusal("pipeline: p\ntasks: [{name: t, run: python main.py}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid run=(a map): give text here",
                refusal("pipeline: p\ntasks: [{name: t, run: [{a: 1}]}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid resources=4: resources is a map: { cpus: 2, mem: 4G, gpus: 1 (or a share: 0.5), gpuType: a100, gpuMem: 40G }",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], resources: 4}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid env=a: env is a map of NAME: value",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], env: a}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid retries=1.5: use a whole number",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], retries: 1.5}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid backoff=soon: use fixed:DELAY or exp:FIRST:MAX, e.g. fixed:10s or exp:10s:10m (s, m, h)",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], backoff: soon}]\n").getMessage());
        assertTrue(refusal("pipeline: p\ntasks: [{name: t, run: [x], retryOn: never}]\n").getMessage()
                .startsWith("p.yaml line 2: task t: invalid retryOn=never: "));
        assertEquals("p.yaml line 2: task t: invalid retries=two: use a whole number",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], retries: two}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid resources.cpus=3000000000: use a whole number",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], resources: {cpus: 3000000000}}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid resources.cpus=-3000000000: use a whole number",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], resources: {cpus: -3000000000}}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid time=soon: give seconds (3600) or a Slurm limit as text: \"30\" (minutes), "
                + "1:00:00, 2-00:00:00", refusal("pipeline: p\ntasks: [{name: t, run: [x], time: soon}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid time=0: give a positive limit: seconds, or H:M:S such as 1:00:00",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], time: 0}]\n").getMessage());
        assertEquals("p.yaml line 2: task t: invalid env.A=(none): give a value (an empty one is \"\")",
                refusal("pipeline: p\ntasks: [{name: t, run: [x], env: {A: ~}}]\n").getMessage());
        assertEquals("p.yaml line 2: invalid workflows=3: workflows is a list",
                refusal("pipeline: p\nworkflows: 3\n").getMessage());
    }

    @Test
    void takesNullListsAsAbsent() {
        PipelineSpec spec = PipelineFile.parse("pipeline: p\nworkflows: ~\ntasks:\n  - {name: t, shell: x, run: ~, after: ~, env: ~, time: ~}\n"
                + "project: ~\n", "p.yaml");
        assertEquals(1, spec.tasks().size());
        assertNull(spec.project());
        PipelineSpec wf = PipelineFile.parse("pipeline: p\nworkflows: [{name: w, tasks: [{name: t, run: [x]}]}]\ntasks: ~\n", "p.yaml");
        assertEquals(1, wf.workflows().size());
        assertEquals("p.yaml line 2: workflow w: invalid tasks=(none): give the workflow at least one task, or remove it",
                refusal("pipeline: p\nworkflows: [{name: w, tasks: ~}]\n").getMessage());
    }

    @Test
    void refusesBadPipelineLevelValuesAtTheirLine() {
        assertEquals("p.yaml line 2: invalid dedup=always: use one of [pipeline, project, none] (pipeline: identical tasks of "
                        + "this pipeline run once; project: also reuse earlier pipelines' results; none: never merge)",
                refusal("pipeline: p\ndedup: always\ntasks: [{name: t, run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 2: invalid onFailure=retry: use fail (downstream tasks fail with DependencyNeverSatisfied) or hold (they wait)",
                refusal("pipeline: p\nonFailure: retry\ntasks: [{name: t, run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 2: invalid identity=name: use command (tool, config, command and dependencies name a task) "
                + "or config (tool, config and dependencies)", refusal("pipeline: p\nidentity: name\ntasks: [{name: t, run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 3: invalid policy=fifo: use landseer (Landseer's dependency_level * 1000 - usage_counter), or leave policy out",
                refusal("pipeline: p\ntasks: [{name: t, run: [x]}]\npolicy: fifo\n").getMessage());
        assertEquals("p.yaml line 2: invalid deadline=tomorrow: use 2026-12-01T12:00, 2026-12-01T12:00:00Z or +2h",
                refusal("pipeline: p\ndeadline: tomorrow\ntasks: [{name: t, run: [x]}]\n").getMessage());
        assertEquals("p.yaml line 1: invalid tasks=(none): give the pipeline at least one task, under workflows or tasks",
                refusal("pipeline: p\n").getMessage());
        assertEquals("p.yaml line 1: invalid pipeline=(a list): give text here",
                refusal("pipeline: [a]\ntasks: [{name: t, run: [x]}]\n").getMessage());
    }

    @Test
    void namesTheLineOfAGraphProblemFoundAfterParsing() {
        InvalidPipelineException e = refusal("""
                pipeline: p
                workflows:
                  - name: w
                    tasks:
                      - name: a
                        run: [x]
                        after: [c]
                      - name: b
                        run: [x]
                        after: [a]
                      - name: c
                        run: [x]
                        after:
                          - b
                """);
        assertEquals("p.yaml line 7: workflow w, task a: invalid after=a -> b -> c -> a: the tasks form a cycle (x -> y: "
                + "y runs after x, by after or by reading x's output); remove one of these dependencies", e.getMessage());
        assertEquals(7, e.line());
        assertEquals("p.yaml", e.source());
        assertEquals("after", e.field());
        assertEquals("a -> b -> c -> a", e.value());

        InvalidPipelineException unknown = refusal("pipeline: p\ntasks:\n  - name: a\n    run: [x]\n  - name: b\n    run: [x]\n"
                + "    after:\n      - a\n      - nope\n");
        assertEquals("p.yaml line 9: task b: invalid after=nope: name a task of the top-level task list: a, b", unknown.getMessage());
    }

    @Test
    void namesTheLineOfATasksOwnProblem() {
        InvalidPipelineException both = refusal("pipeline: p\nworkflows:\n  - name: w\n    tasks:\n      - name: t\n"
                + "        run: [x]\n        shell: x\n");
        assertEquals("p.yaml line 7: workflow w, task t: invalid shell=x: give either run (an argv list) or shell (a command line), not both",
                both.getMessage());
        assertEquals("workflows[0].tasks[0].shell", both.path());
        InvalidPipelineException cpus = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    resources:\n      gpus: 1\n      cpus: 0\n");
        assertEquals("p.yaml line 7: task t: invalid resources.cpus=0: ask for at least 1 CPU", cpus.getMessage());
        InvalidPipelineException mem = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    resources: {mem: lots}\n");
        assertEquals("p.yaml line 5: task t: invalid resources.mem=lots: use a size such as 512M, 4G or 1T", mem.getMessage());
        InvalidPipelineException gpus = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    resources: {gpus: -1}\n");
        assertEquals("p.yaml line 5: task t: invalid resources.gpus=-1: ask for 0 or more GPUs", gpus.getMessage());
        InvalidPipelineException type = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    resources:\n      gpuType: a100\n");
        assertEquals("p.yaml line 6: task t: invalid resources.gpuType=a100: a GPU type needs gpus: 1 or more", type.getMessage());
        InvalidPipelineException config = refusal("pipeline: p\ntasks:\n  - name: t\n    run: [x]\n    config: {a: .inf}\n");
        assertEquals("p.yaml line 5: invalid tasks[0].config.a=.inf: not a JSON number (no .inf or .nan); quote it to mean text",
                config.getMessage());
    }

    @Test
    void refusesBrokenSyntaxWithTheLine() {
        InvalidPipelineException yaml = refusal("pipeline: p\ntasks:\n  - name: [unclosed\n");
        assertTrue(yaml.getMessage().startsWith("p.yaml line "), yaml.getMessage());
        assertTrue(yaml.getMessage().contains("invalid file=p.yaml: the file is not valid YAML: "), yaml.getMessage());
        InvalidPipelineException json = assertThrows(InvalidPipelineException.class,
                () -> PipelineFile.parse("{\"pipeline\": \"p\",\n \"tasks\": [}\n", "p.json"));
        assertTrue(json.getMessage().startsWith("p.json line 2: invalid file=p.json: the file is not valid JSON: "), json.getMessage());
        assertEquals("p.yaml: invalid file=p.yaml: the file is empty", refusal("").getMessage());
        assertEquals("p.yaml: invalid file=p.yaml: the file is empty", refusal("# only a comment\n").getMessage());
    }

    @Test
    void refusesWhatWouldSilentlyMeanSomethingElse() {
        assertEquals("p.yaml line 3: invalid pipeline=(duplicate key): give each key once (first at line 1)",
                refusal("pipeline: p\ntasks: [{name: t, run: [x]}]\npipeline: q\n").getMessage());
        assertEquals("p.yaml line 3: invalid file=p.yaml: the file holds more than one YAML document; keep one",
                refusal("pipeline: p\n---\npipeline: q\n").getMessage());
        assertEquals("p.json line 1: invalid file=p.json: the file holds more than one JSON value; keep one",
                assertThrows(InvalidPipelineException.class, () -> PipelineFile.parse("{\"pipeline\": \"p\"} {}", "p.json")).getMessage());
        assertEquals("p.yaml line 2: invalid tasks[0].config.blob=(not JSON): give text, a number, a list or a map (not !!binary "
                + "or another YAML type)", refusal("pipeline: p\ntasks: [{name: t, run: [x], config: {blob: !!binary aGVsbG8=}}]\n").getMessage());
        InvalidPipelineException alias = refusal("pipeline: p\nx: &cmd [python]\ntasks: [{name: t, run: *cmd}]\n");
        assertEquals("p.yaml line 3: invalid tasks[0].run=*cmd: YAML aliases are not read; write the value out", alias.getMessage());
    }

    @Test
    void plansAFileAndLocatesAProblemOnlyPlanningFinds() {
        PipelinePlan plan = PipelineFile.plan(ISSUE_EXAMPLE, "defense.yaml", PriorResults.none());
        assertEquals(2, plan.tasks().size());
        assertEquals(List.of(0), plan.tasks().get(1).dependencies());
        InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> PipelineFile.plan("""
                pipeline: p
                workflows:
                  - name: w1
                    tasks: [{name: a, run: [x]}]
                  - name: w2
                    tasks:
                      - name: a2
                        run: [x]
                        tool: a
                        resources: {cpus: 4}
                """, "p.yaml", PriorResults.none()));
        assertEquals("p.yaml line 10: workflow w2, task a2: invalid resources=cpus=4 mem=256M: "
                + "it is the same task as task a of workflow w1 (same tool, config, command and dependencies), which asks for "
                + "resources=cpus=1 mem=256M; ask for the same, or make them different "
                + "tasks (config), or use dedup: none", e.getMessage());
    }
}
