package dev.labq.core.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LandseerConfigTest {

    private static PipelinePlan plan(String yaml) {
        return LandseerConfig.parse(yaml, "l.yaml").plan("l", "research", null);
    }

    private static InvalidPipelineException refusal(String yaml) {
        return assertThrows(InvalidPipelineException.class, () -> LandseerConfig.parse(yaml, "l.yaml"));
    }

    private static String tool(String name) {
        return "{name: " + name + ", container: {image: img/" + name.replace(' ', '_') + ", command: python main.py}}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"trades.yaml", "teaching.yaml"})
    void expandsTheRealConfigurationsWithDedup(String file) {
        String text = Fixtures.resource("landseer/" + file);
        LandseerConfig config = LandseerConfig.parse(text, file);
        assertEquals(24, config.workflowCount());
        PipelinePlan plan = config.plan(file.replace(".yaml", ""), "research", null);
        assertEquals(24, plan.workflows().size());
        assertEquals(96, plan.taskUses());
        assertEquals(38, plan.tasks().size());
        assertEquals(58, plan.usesSavedByDedup());
        assertEquals("comb_001", plan.workflows().get(0).name());
        assertEquals("comb_024", plan.workflows().get(23).name());
        Map<String, List<Integer>> byStage = plan.stages().stream().collect(Collectors.toMap(PlannedStage::name, PlannedStage::tasks));
        Map<String, Integer> counter = Map.of("pre_training", 12, "during_training", 6, "post_training", 3, "deployment", 1);
        Map<String, Integer> priority = Map.of("pre_training", -12, "during_training", 994, "post_training", 997, "deployment", 999);
        Map<String, Integer> unique = Map.of("pre_training", 2, "during_training", 4, "post_training", 8, "deployment", 24);
        assertEquals(LandseerConfig.STAGES, plan.stages().stream().map(PlannedStage::name).toList());
        for (String stage : LandseerConfig.STAGES) {
            assertEquals(unique.get(stage), byStage.get(stage).size(), stage);
            for (int i : byStage.get(stage)) {
                PlannedTask t = plan.tasks().get(i);
                assertEquals(counter.get(stage), t.usageCounter(), t.name());
                assertEquals(priority.get(stage), t.priority(), t.name());
                assertEquals(stage.equals("pre_training") ? 0 : 1, t.dependencyLevel(), t.name());
                assertEquals(stage, t.stage());
            }
        }
        assertTrue(plan.landseerPolicy());
        assertEquals(DedupScope.PIPELINE, plan.dedup());
        assertEquals(TaskIdentity.CONFIG, plan.identity());
    }

    @Test
    void buildsWorkflowsAsTheCartesianProductWithTheLastStageFastest() {
        PipelinePlan plan = LandseerConfig.parse(Fixtures.resource("landseer/trades.yaml"), "trades.yaml").plan("trades", null, null);
        assertEquals(List.of("pre_training/pre-xgbod", "during_training/in-trades", "post_training/fine pruning", "deployment/deploy_dp"),
                names(plan, 0));
        assertEquals("deployment/post_magnet", names(plan, 1).get(3));
        assertEquals("deployment/deploy_noop", names(plan, 2).get(3));
        assertEquals("post_training/post_noop", names(plan, 3).get(2));
        assertEquals(List.of("pre_training/noop", "during_training/in_noop", "post_training/post_noop", "deployment/deploy_noop"),
                names(plan, 23));
        PlannedTask first = plan.tasks().get(0);
        assertEquals("pre-xgbod", first.tool());
        assertEquals(Map.of("image", "ghcr.io/landseer-project/pre_xgbod:v2", "command", "python3 main.py",
                "config_script", "configs/model/config_model.py"), first.config());
        assertEquals(List.of("docker run --rm ghcr.io/landseer-project/pre_xgbod:v2 python3 main.py"), first.argv());
        assertTrue(first.shell());
        // each stage's task runs after the previous stage's task of its workflow
        List<TaskUse> uses = plan.workflows().get(5).uses();
        for (int s = 1; s < 4; s++) {
            assertEquals(List.of(uses.get(s - 1).task()), plan.tasks().get(uses.get(s).task()).dependencies());
        }
        assertEquals(List.of(), plan.tasks().get(uses.get(0).task()).dependencies());
        assertEquals(12, plan.tasks().get(0).workflows().size());
        assertEquals("comb_001", plan.tasks().get(0).workflows().get(0));
    }

    private static List<String> names(PipelinePlan plan, int workflow) {
        return plan.workflows().get(workflow).uses().stream().map(TaskUse::name).toList();
    }

    @Test
    void skipsMissingStagesAcceptsDockerAndStagesWithoutANoop() {
        // test_config.yaml's shape: no model, extra dataset keys, docker:, post_training without a noop, no deployment
        PipelinePlan plan = plan("""
                dataset:
                  name: cifar10
                  link: https://example.org/cifar-10-python.tar.gz
                  sha1: c58f30108f718f92721af3b95e74349a
                pipeline:
                  pre_training:
                    tools:
                      - name: feature-squeeze
                        docker:
                          image: ghcr.io/landseer-project/pre_squeeze:v1
                          command: python main.py --bit-depth 4
                    noop:
                      name: noop
                      docker: {image: ghcr.io/landseer-project/pre_noop:v1, command: python main.py}
                  during_training:
                    tools:
                      - {name: in-dp, docker: {image: ghcr.io/landseer-project/in_dp_fixed:v1, command: python3 main.py}}
                    noop: {name: in_noop, docker: {image: ghcr.io/landseer-project/in_noop:latest, command: python main.py}}
                  post_training:
                    tools:
                      - name: fine pruning
                        docker:
                          image: ghcr.io/landseer-project/post_fineprune:v1
                          command: python3 main.py --prune-percentage 0.1""");
        assertEquals(4, plan.workflows().size());
        assertEquals(12, plan.taskUses());
        assertEquals(2 + 4 + 4, plan.tasks().size());
        assertEquals(List.of("pre_training", "during_training", "post_training"), plan.stages().stream().map(PlannedStage::name).toList());
        assertEquals(-2, plan.tasks().get(0).priority());
        assertEquals(999, plan.tasks().get(2).priority(), "fine pruning: one dependency, one workflow");
    }

    @Test
    void expandsAStageWithOnlyANoop() {
        PipelinePlan plan = plan("""
                pipeline:
                  pre_training:
                    noop: {name: pre_noop, container: {image: oras://ghcr.io/landseer-project/pre_noop:v1, command: python main.py}}
                  during_training:
                    tools: []
                    noop: {name: in_noop, container: {image: oras://ghcr.io/landseer-project/in_noop:v5, command: python main.py}}
                """);
        assertEquals(1, plan.workflows().size());
        assertEquals(List.of(-1, 999), plan.tasks().stream().map(PlannedTask::priority).toList());
    }

    @Test
    void readsStagesAndKeysInAnyOrder() {
        String canonical = "pipeline:\n  pre_training:\n    tools: [" + tool("a") + ", " + tool("b") + "]\n    noop: " + tool("n")
                + "\n  deployment:\n    tools: [" + tool("d") + "]\n";
        String shuffled = "pipeline:\n  deployment:\n    tools:\n      - container: {command: python main.py, image: img/d}\n        name: d\n"
                + "  pre_training:\n    noop: " + tool("n") + "\n    tools: [" + tool("a") + ", " + tool("b") + "]\nmodel: {script: x.py}";
        assertEquals(plan(canonical), plan(shuffled));
        assertEquals(3, plan(shuffled).workflows().size());
    }

    @Test
    void identityCoversConfigScriptAndNotTheRunner() {
        String with = "pipeline:\n  pre_training:\n    tools:\n      - {name: t, container: {image: i, command: c, config_script: s.py}}\n"
                + "      - {name: t, container: {image: i, command: c}}\n";
        PipelinePlan plan = plan(with);
        assertEquals(2, plan.tasks().size(), "config_script makes a different task");
        assertNotEquals(plan.tasks().get(0).taskKey(), plan.tasks().get(1).taskKey());

        LandseerConfig trades = LandseerConfig.parse(Fixtures.resource("landseer/trades.yaml"), "trades.yaml");
        PipelinePlan docker = trades.plan("t", null, null);
        PipelinePlan apptainer = trades.plan("t", null, "apptainer exec docker://{image} {command}");
        assertEquals(docker.tasks().stream().map(PlannedTask::taskKey).toList(), apptainer.tasks().stream().map(PlannedTask::taskKey).toList());
        assertEquals(List.of("apptainer exec docker://ghcr.io/landseer-project/pre_xgbod:v2 python3 main.py"), apptainer.tasks().get(0).argv());
    }

    @Test
    void fillsTheRunnerTemplateOnceAndVerbatim() {
        LandseerConfig.Tool tool = new LandseerConfig.Tool("fine pruning", "img:v1", "python3 main.py --x {image}", null);
        assertEquals("echo post_training fine pruning", LandseerConfig.runCommand("echo {stage} {name}", tool, "post_training"));
        assertEquals("run img:v1 python3 main.py --x {image} in ${HOME}",
                LandseerConfig.runCommand("run {image} {command} in ${HOME}", tool, "s"), "values are not substituted again");
        assertEquals("docker run --rm img:v1", LandseerConfig.runCommand(LandseerConfig.DEFAULT_RUNNER,
                new LandseerConfig.Tool("t", "img:v1", "", null), "s"), "an empty command leaves no trailing space");
        assertEquals("run {nope}", LandseerConfig.runCommand("run {nope}", tool, "s"), "unchecked templates keep unknown placeholders");
        PipelinePlan plan = LandseerConfig.parse(Fixtures.resource("landseer/teaching.yaml"), "teaching.yaml")
                .plan("teaching", null, "echo {stage} '{name}'");
        assertEquals(List.of("echo post_training 'fine pruning'"), plan.tasks().get(2).argv());
    }

    @Test
    void refusesBadRunners() {
        LandseerConfig config = LandseerConfig.parse(Fixtures.resource("landseer/trades.yaml"), "trades.yaml");
        assertEquals("invalid runner=docker run {img}: unknown placeholder {img}; use {image}, {command}, {name}, {stage} "
                        + "(write ${VAR} for a shell variable)",
                assertThrows(InvalidPipelineException.class, () -> config.toPipeline("t", null, "docker run {img}")).getMessage());
        assertEquals("invalid runner=' ': give a command line such as 'docker run --rm {image} {command}'",
                assertThrows(InvalidPipelineException.class, () -> config.toPipeline("t", null, " ")).getMessage());
    }

    @Test
    void refusesAStageWithNeitherToolsNorNoopNamingTheStage() {
        String head = "pipeline:\n  pre_training:\n    tools: [" + tool("a") + "]\n";
        assertEquals("l.yaml line 4: stage deployment: invalid tools=(none): give the stage tools or a noop, or remove the stage "
                + "(a missing stage is skipped)", refusal(head + "  deployment:\n").getMessage());
        assertEquals("l.yaml line 4: stage deployment: invalid tools=(none): give the stage tools or a noop, or remove the stage "
                + "(a missing stage is skipped)", refusal(head + "  deployment:\n    tools: []\n    noop: ~\n").getMessage());
    }

    @Test
    void refusesMalformedConfigurationsWithPlaceAndLine() {
        assertEquals("l.yaml line 1: invalid pipeline=(none): a Landseer configuration has a pipeline: map of stages "
                + "[pre_training, during_training, post_training, deployment]", refusal("dataset: {name: x}\n").getMessage());
        assertEquals("l.yaml line 1: invalid pipeline=x: pipeline is a map of stages [pre_training, during_training, post_training, deployment]",
                refusal("pipeline: x\n").getMessage());
        assertEquals("l.yaml line 1: invalid pipeline=(no stages): give at least one of the stages [pre_training, during_training, "
                + "post_training, deployment], each with tools or a noop", refusal("pipeline: {}\n").getMessage());
        assertEquals("l.yaml line 2: invalid pipeline.training=(unknown stage): use the stages [pre_training, during_training, "
                + "post_training, deployment]", refusal("pipeline:\n  training:\n    tools: [" + tool("a") + "]\n").getMessage());
        assertEquals("l.yaml line 2: stage pre_training: invalid pipeline.pre_training=x: a stage is a map with tools and/or noop",
                refusal("pipeline:\n  pre_training: x\n").getMessage());
        assertEquals("l.yaml line 3: stage pre_training: invalid tool=(unknown key): remove it or use one of [noop, tools] under a stage",
                refusal("pipeline:\n  pre_training:\n    tool: []\n").getMessage());
        assertEquals("l.yaml line 3: stage pre_training: invalid tools=(a map): tools is a list of {name, container: {image, command}}",
                refusal("pipeline:\n  pre_training:\n    tools: {a: 1}\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training: invalid tool=pre_xgbod: give {name: NAME, container: {image: IMAGE, command: "
                        + "COMMAND}} (tool names from a separate tools.yaml registry are not read)",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - pre_xgbod\n").getMessage());
        assertEquals("l.yaml line 3: stage pre_training: invalid noop=(a list): give {name: NAME, container: {image: IMAGE, command: COMMAND}}",
                refusal("pipeline:\n  pre_training:\n    noop: [a]\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool (unnamed): invalid name=(none): give every tool a name",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - container: {image: i, command: c}\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid container=(none): give the tool's container: {image: IMAGE, command: COMMAND}",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - name: a\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid container=x: give the tool's container: {image: IMAGE, command: COMMAND}",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - {name: a, container: x}\n").getMessage());
        assertEquals("l.yaml line 6: stage pre_training, tool a: invalid docker=(with container): docker is an older name for container; give one of them",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - name: a\n        container: {image: i, command: c}\n"
                        + "        docker: {image: i, command: c}\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid runtime=(unknown key): remove it or use one of [command, "
                        + "config_script, image] under a container",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - {name: a, container: {image: i, command: c, runtime: x}}\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid version=(unknown key): remove it or use one of [container, docker, name] "
                + "under a tool", refusal("pipeline:\n  pre_training:\n    tools:\n      - {name: a, version: 2, container: {image: i, command: c}}\n")
                .getMessage());
        assertEquals("l.yaml line 5: stage pre_training, tool a: invalid container.image=(none): give the tool's container image, for "
                        + "example ghcr.io/landseer-project/pre_noop:v1",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - name: a\n        container:\n          command: c\n").getMessage());
        assertEquals("l.yaml line 5: stage pre_training, noop n: invalid docker.command=(none): give the command the container runs, for "
                        + "example python main.py (\"\" for the image's own)",
                refusal("pipeline:\n  pre_training:\n    noop:\n      name: n\n      docker:\n        image: i\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid image=(a list): give text here",
                refusal("pipeline:\n  pre_training:\n    tools:\n      - {name: a, container: {image: [i], command: c}}\n").getMessage());
        assertEquals("l.yaml line 4: stage pre_training, tool a: invalid container.config_script=' ': give the script's path, or leave "
                + "config_script out", refusal("pipeline:\n  pre_training:\n    tools:\n      - {name: a, container: {image: i, command: c, "
                + "config_script: ' '}}\n").getMessage());
        assertTrue(refusal("pipeline:\n  pre_training: [\n").getMessage().startsWith("l.yaml line "));
    }

    @Test
    void theJavaModelChecksWhatTheParserChecks() {
        LandseerConfig.Tool a = new LandseerConfig.Tool("a", "i", "c", null);
        assertEquals("invalid name=(none): give every tool a name",
                assertThrows(InvalidPipelineException.class, () -> new LandseerConfig.Tool(null, "i", "c", null)).getMessage());
        assertEquals("stage deployment: invalid tools=(none): give the stage tools or a noop, or remove the stage (a missing stage is skipped)",
                assertThrows(InvalidPipelineException.class, () -> new LandseerConfig.Stage("deployment", null, null)).getMessage());
        assertEquals("invalid pipeline.eval=(unknown stage): use the stages [pre_training, during_training, post_training, deployment]",
                assertThrows(InvalidPipelineException.class, () -> new LandseerConfig.Stage("eval", List.of(a), null)).getMessage());
        LandseerConfig.Stage deploy = new LandseerConfig.Stage("deployment", List.of(a), null);
        LandseerConfig.Stage pre = new LandseerConfig.Stage("pre_training", List.of(a), a);
        assertEquals("invalid stages=[deployment, pre_training]: give each stage once, in the order [pre_training, during_training, "
                        + "post_training, deployment]",
                assertThrows(InvalidPipelineException.class, () -> new LandseerConfig(List.of(deploy, pre))).getMessage());
        assertEquals(2, new LandseerConfig(List.of(pre, deploy)).workflowCount());
        assertEquals(List.of(a, a), pre.options());
        assertEquals(List.of(a), deploy.options());
        assertThrows(InvalidPipelineException.class, () -> new LandseerConfig(null));
    }

    @Test
    void refusesCombinationsBeyondAnInt() {
        LandseerConfig.Stage wide = new LandseerConfig.Stage("pre_training",
                java.util.Collections.nCopies(70_000, new LandseerConfig.Tool("a", "i", "c", null)), null);
        LandseerConfig.Stage wide2 = new LandseerConfig.Stage("deployment",
                java.util.Collections.nCopies(70_000, new LandseerConfig.Tool("b", "i", "c", null)), null);
        LandseerConfig config = new LandseerConfig(List.of(wide, wide2));
        assertThrows(ArithmeticException.class, config::workflowCount);
        assertEquals("invalid workflows=(more than 2147483647): the stages make too many combinations; split the configuration",
                assertThrows(InvalidPipelineException.class, () -> config.toPipeline("p", null, null)).getMessage());
    }
}
