package io.distill4j.spring.ai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.generation.TextGenerationModel;
import io.distill4j.api.labelling.LabellingModel;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Every {@link ChatModel} bean as a {@link ChatLabellingModel} and a {@link ChatTextGenerationModel} under its bean
 * name. For Spring AI's
 * {@code OpenAiChatModel} (when its module is on the class path) the labelling model also gets an
 * {@link OpenAiLogProbabilityChat} made from the chat model's options, so answers come with log-probabilities;
 * those clients are owned here and closed by {@link #close()} (Spring calls it when the context closes).
 */
public final class ChatModelAdapters implements LabellingModelSource, TextGenerationModelSource, AutoCloseable {

    private static final boolean OPENAI_PRESENT = ClassUtils.isPresent("org.springframework.ai.openai.OpenAiChatModel",
            ChatModelAdapters.class.getClassLoader());

    private final ListableBeanFactory beans;

    private final boolean structuredOutput;

    private final boolean logProbabilities;

    private final List<LogProbabilityChat> owned = new ArrayList<>();

    /**
     * @param structuredOutput whether answers are constrained to the label set's JSON schema where supported
     * @param logProbabilities whether to read log-probabilities through the provider's own client where one is
     *     known
     */
    public ChatModelAdapters(ListableBeanFactory beans, boolean structuredOutput, boolean logProbabilities) {
        this.beans = beans;
        this.structuredOutput = structuredOutput;
        this.logProbabilities = logProbabilities;
    }

    @Override
    public synchronized Map<String, LabellingModel> labellingModels() {
        Map<String, LabellingModel> models = new LinkedHashMap<>();
        this.beans.getBeansOfType(ChatModel.class).forEach((name, model) -> {
            Optional<LogProbabilityChat> logProbabilityChat = this.logProbabilities && OPENAI_PRESENT
                    ? OpenAiLogProbabilityChat.forModel(model) : Optional.empty();
            logProbabilityChat.ifPresent(this.owned::add);
            models.put(name, new ChatLabellingModel(name, model, this.structuredOutput,
                    logProbabilityChat.orElse(null)));
        });
        return models;
    }

    @Override
    public Map<String, TextGenerationModel> textGenerationModels() {
        Map<String, TextGenerationModel> models = new LinkedHashMap<>();
        this.beans.getBeansOfType(ChatModel.class).forEach((name, model) -> models.put(name,
                new ChatTextGenerationModel(name, model, this.structuredOutput)));
        return models;
    }

    @Override
    public synchronized void close() {
        this.owned.forEach(LogProbabilityChat::close);
        this.owned.clear();
    }
}
