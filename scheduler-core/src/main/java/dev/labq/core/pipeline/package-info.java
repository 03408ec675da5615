/**
 * Pipelines as DAGs with Landseer's deduplication, priority and scheduler API: the pure, I/O-free core.
 *
 * <p>The data flow: a pipeline file ({@link dev.labq.core.pipeline.PipelineFile}), the Java builder
 * ({@link dev.labq.core.pipeline.PipelineSpec#builder}) or a Landseer configuration
 * ({@link dev.labq.core.pipeline.LandseerConfig}) gives a validated {@link dev.labq.core.pipeline.PipelineSpec};
 * {@link dev.labq.core.pipeline.PipelinePlanner} expands it into a {@link dev.labq.core.pipeline.PipelinePlan} of
 * unique tasks keyed by {@link dev.labq.core.pipeline.TaskKeys}, with Landseer's counters and priority
 * ({@link dev.labq.core.pipeline.LandseerPriorityPolicy}); {@link dev.labq.core.pipeline.LandseerScheduler}
 * drives a plan with Landseer's operations. Every refusal is an
 * {@link dev.labq.core.pipeline.InvalidPipelineException} (exit code 3) naming file, line, workflow, task, key,
 * value and fix.
 *
 * <pre>{@code
 * PipelineSpec spec = PipelineSpec.builder("defense-eval", "research").landseerPolicy()
 *         .workflow("workflow_1",
 *                 TaskSpec.builder("A").tool("tool_a").config(Map.of("param", 1)).run("a").build(),
 *                 TaskSpec.builder("B").tool("tool_b").config(Map.of("param", 2)).run("b").after("A").build())
 *         .workflow("workflow_2",
 *                 TaskSpec.builder("A").tool("tool_a").config(Map.of("param", 1)).run("a").build(),
 *                 TaskSpec.builder("C").tool("tool_c").config(Map.of("param", 3)).run("c").after("A").build())
 *         .build();
 * PipelinePlan plan = PipelinePlanner.plan(spec);      // 3 tasks: A (usage counter 2), B, C
 * LandseerScheduler scheduler = new LandseerScheduler(plan);
 * PlannedTask first = scheduler.nextTask().orElseThrow(); // A, once, before B and C
 * scheduler.updateTaskStatus(first.id(), TaskStatus.COMPLETED);
 * }</pre>
 *
 * <p>Not here: the journal entry, the fold, the CLI; they use these types as they are (records, lists and maps
 * of strings, all serialisable with Jackson).
 */
package dev.labq.core.pipeline;
