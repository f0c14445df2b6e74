/**
 * Teachers: {@link io.distill4j.pipeline.teacher.Teacher} is the one contract ("produce soft targets for
 * these splits into the cache, then release everything") with one package-private implementation per
 * kind of {@link io.distill4j.api.distill.TeacherSpec} — an ONNX classifier, an ONNX encoder (its pooled
 * vectors, or a head fitted on it), a repository model (run as it is, or, a text-embedding model teaching
 * a classification, as an encoder with a fitted head), an encoder fine-tuned with a head on the job's
 * labelled data (by {@link io.distill4j.pipeline.finetune.FineTuner}, then served like a repository
 * classifier), a large language model that labels the texts (through
 * {@link io.distill4j.pipeline.labelling.Labeller}; texts it gives no answer for are left out of their
 * split), a file of precomputed logits — chosen in
 * {@link io.distill4j.pipeline.teacher.Teacher#forSpec}. An encoder is pooled as the spec or its manifest
 * says (mean or CLS) and runs once per distinct text of a job: the head is fitted on those vectors and the
 * logits are computed from them into the soft-target cache under the keys that
 * {@link io.distill4j.pipeline.teacher.TeacherStage}, which runs a model of the engine over the splits,
 * uses for the fitted encoder-plus-head model; that graph is built here too. An encoder teacher of a
 * classification job follows its {@link io.distill4j.api.distill.FineTuningPolicy}: under {@code AUTO} (the
 * default) {@link io.distill4j.pipeline.teacher.AutoFineTuning} fits the frozen head first, then, with at
 * least 100 labelled validation examples and a frozen head below 0.98, runs a short fine-tuning probe on a
 * class-stratified subsample against a frozen head fitted on the same subsample, and fine-tunes the encoder
 * when the probe wins by a point and the estimated time fits the budget ({@code FineTuningRule}, a heuristic
 * on a short run); the outcome and the report say what was chosen and why. {@code NEVER} keeps the frozen
 * head without a probe.
 */
package io.distill4j.pipeline.teacher;
