/**
 * Auto-tuning of the student: {@code StudentCatalog} is the search space a spec allows (student shapes
 * from the architectures' ladders, temperatures, distillation weights, learning rates),
 * {@code SuccessiveHalving} spends the budget on it rung by rung, and {@code TrialCheckpoints} keeps each
 * trial's per-epoch checkpoints under a key of what it trains, so a killed job's rerun resumes.
 */
package io.distill4j.pipeline.tune;
