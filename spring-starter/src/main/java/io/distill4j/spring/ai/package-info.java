/**
 * Spring AI adapters, both ways: the engine's text-embedding models as Spring AI {@code EmbeddingModel}s, and any
 * Spring AI {@code ChatModel} as the distiller's {@code LabellingModel} (an LLM teacher), collected by bean name
 * through {@link io.distill4j.spring.ai.LabellingModelSource}, and as the data generator's
 * {@code TextGenerationModel} ({@link io.distill4j.spring.ai.ChatTextGenerationModel}).
 */
package io.distill4j.spring.ai;
