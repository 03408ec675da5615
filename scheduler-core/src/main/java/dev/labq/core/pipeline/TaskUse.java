package dev.labq.core.pipeline;

/** A task of a workflow as written ({@code name}) and the planned task that runs it ({@code task}, a plan index). */
public record TaskUse(String name, int task) {
}
