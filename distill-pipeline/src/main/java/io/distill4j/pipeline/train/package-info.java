/**
 * Training building blocks on DJL's PyTorch engine: {@link io.distill4j.pipeline.train.PyTorchRuntime}
 * loads the engine from the bundled jars only (never downloading) and sets its thread pools; the
 * knowledge-distillation losses extend DJL's {@code Loss}, so they plug into a DJL {@code Trainer}:
 * {@link io.distill4j.pipeline.train.DistillationLoss} (soft teacher logits plus optional hard labels)
 * and {@link io.distill4j.pipeline.train.EmbeddingDistillationLoss} (MSE or cosine between
 * embeddings), with {@link io.distill4j.pipeline.train.ProjectionHead} as the learned map when the
 * student is narrower than the teacher (a loss has no parameters in DJL, a block does).
 * {@link io.distill4j.pipeline.train.StudentTrainer} runs the training loop on the cached teacher rows
 * ({@link io.distill4j.pipeline.train.EncodedSplit}; classification or embeddings), configured by a
 * {@link io.distill4j.pipeline.train.TrainerConfig}, with checkpoints after every epoch in a
 * {@link io.distill4j.pipeline.train.Checkpoints} directory and a bit-identical resume of the run whose
 * {@link io.distill4j.pipeline.train.RunFingerprint} matches. Transformer students can also learn what
 * happens inside the teacher ({@link io.distill4j.pipeline.train.IntermediateTraining}): a frozen teacher's
 * hidden states and attention probabilities per batch ({@link io.distill4j.pipeline.train.TeacherInternals}),
 * student layer {@code i} against teacher layer {@code round(i * N / M)} and the embeddings against the
 * embeddings, with {@link io.distill4j.pipeline.train.IntermediateDistillationLoss}
 * {@code = output loss + betaHidden * mean hidden-state MSE + betaAttention * mean attention KL}; the
 * hidden-state projection it trains is checkpointed with the student and dropped at export.
 */
package io.distill4j.pipeline.train;
