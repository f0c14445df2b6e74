package io.distill4j.spring.ai;

import java.util.Map;

import io.distill4j.api.labelling.LabellingModel;

/**
 * Labelling models for the starter's distiller, by the name an LLM teacher's spec gives
 * ({@code TeacherSpec.llm(name, ...)}). Every bean of this type is asked once, when the distiller is built; the
 * starter's own adapts each Spring AI {@code ChatModel} bean ({@link ChatLabellingModel}).
 */
@FunctionalInterface
public interface LabellingModelSource {

    /** The models, by name. */
    Map<String, LabellingModel> labellingModels();
}
