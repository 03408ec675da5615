package dev.labq.core.domain;

/** Where a job runs: as an OS process, or as a task inside the embedding JVM. */
public enum JobKind { PROCESS, TASK }
