/**
 * Teachers: {@link io.distill4j.pipeline.teacher.Teacher} is the one contract ("produce soft targets for
 * these splits into the cache, then release everything") with one package-private implementation per
 * kind of {@link io.distill4j.api.distill.TeacherSpec} — an ONNX classifier, an ONNX encoder (its pooled
 * vectors, or a head fitted on it), a repository model (run as it is, or, a text-embedding model teaching
 * a classification, as an encoder with a fitted head), an encoder fine-tuned with a head on the job's
 * labelled data (by {@link io.distill4j.pipeline.finetune.FineTuner}, then served like a repository
 * classifier), a file of precomputed logits — chosen in
 * {@link io.distill4j.pipeline.teacher.Teacher#forSpec}. An encoder is pooled as the spec or its manifest
 * says (mean or CLS) and runs once per distinct text of a job: the head is fitted on those vectors and the
 * logits are computed from them into the soft-target cache under the keys that
 * {@link io.distill4j.pipeline.teacher.TeacherStage}, which runs a model of the engine over the splits,
 * uses for the fitted encoder-plus-head model; that graph is built here too.
 */
package io.distill4j.pipeline.teacher;
