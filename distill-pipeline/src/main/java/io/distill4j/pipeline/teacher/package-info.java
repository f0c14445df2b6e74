/**
 * Teachers: {@link io.distill4j.pipeline.teacher.Teacher} is the one contract ("produce soft targets for
 * these splits into the cache, then release everything") with one package-private implementation per
 * kind of {@link io.distill4j.api.distill.TeacherSpec} — an ONNX classifier, an ONNX encoder (its pooled
 * vectors, or a head fitted on it), a repository model, an encoder fine-tuned with a head on the job's
 * labelled data (by {@link io.distill4j.pipeline.finetune.FineTuner}, then served like a repository
 * classifier), a file of precomputed logits — chosen in
 * {@link io.distill4j.pipeline.teacher.Teacher#forSpec}; {@link io.distill4j.pipeline.teacher.TeacherStage}
 * runs a model of the engine over the splits, and the encoder-plus-head graph is built here too.
 */
package io.distill4j.pipeline.teacher;
