package io.distill4j.spring.ai;

import java.util.Map;

import io.distill4j.api.generation.TextGenerationModel;

/**
 * Text-generation models for the starter's {@code DataGeneration} bean, by name. Every bean of this type is asked
 * once, when that bean is built; the starter's own adapts each Spring AI {@code ChatModel} bean
 * ({@link ChatTextGenerationModel}).
 */
@FunctionalInterface
public interface TextGenerationModelSource {

    /** The models, by name. */
    Map<String, TextGenerationModel> textGenerationModels();
}
