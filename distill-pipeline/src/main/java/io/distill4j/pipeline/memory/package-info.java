/**
 * The process's memory: {@code ResidentMemory} reads the resident set size and its peak (Linux
 * {@code /proc}) for each stage's record, and {@code MemoryPlanner} estimates the teacher and student
 * stages to choose between keeping the teacher loaded and releasing it before the student is built.
 */
package io.distill4j.pipeline.memory;
