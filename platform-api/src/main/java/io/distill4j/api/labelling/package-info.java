/**
 * The labelling-model contract: a {@link io.distill4j.api.labelling.LabellingModel} (a large language model
 * behind any provider) is given texts and a {@link io.distill4j.api.labelling.LabelSet} and answers with a
 * distribution over the labels per text, and what it cost. A distillation uses one as a teacher
 * ({@code TeacherSpec.labellingModel}); the Spring Boot starter adapts every Spring AI {@code ChatModel} to
 * it, so the pipeline never sees a framework. Plain Java values.
 */
package io.distill4j.api.labelling;
