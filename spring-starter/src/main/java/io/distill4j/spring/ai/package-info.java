/** Spring AI adapters: the engine's text-embedding models as Spring AI {@code EmbeddingModel}s. */
package io.distill4j.spring.ai;
