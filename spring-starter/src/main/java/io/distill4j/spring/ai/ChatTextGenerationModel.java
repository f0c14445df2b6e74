package io.distill4j.spring.ai;

import java.util.List;
import java.util.Objects;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.generation.GenerationPrompts;
import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.generation.TextGenerationModel;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;

/**
 * Any Spring AI {@link ChatModel} as a {@link TextGenerationModel}: the request's prompt is sent as one user
 * message at the request's temperature, on top of the chat model's own options (model name, token limits), and
 * the answer is split into texts with {@link GenerationPrompts#parseTexts}.
 *
 * <ul>
 * <li><b>Structured output.</b> When the model's options support it ({@link StructuredOutputChatOptions}: OpenAI
 *     and compatible servers, among others) and it is not turned off, the answer is constrained to
 *     {@link GenerationPrompts#jsonSchema() an object with an array of strings}; otherwise the prompt alone asks
 *     for a JSON array, and numbered or bulleted lines are read too.</li>
 * <li><b>Usage.</b> One request, with the prompt and completion tokens the provider reports (zero where it
 *     reports none).</li>
 * <li><b>Failures.</b> As {@link ChatLabellingModel}'s: HTTP 408, 409, 429 and 5xx, timeouts and I/O errors
 *     become {@link io.distill4j.api.exception.TransientException}s, which the generator retries; the rest
 *     {@link InferenceFailedException}s. A client's own retries (the OpenAI SDK retries rate limits and server errors twice by default) happen
 *     below this and count as one request.</li>
 * </ul>
 *
 * <p>Thread-safe when the chat model is (Spring AI's are). Holds no resource.
 */
public final class ChatTextGenerationModel implements TextGenerationModel {

    private final String id;

    private final ChatModel chatModel;

    private final boolean structuredOutput;

    /**
     * @param name the name the generator knows the model by (the bean's name)
     * @param chatModel the model
     * @param structuredOutput whether to constrain answers to {@link GenerationPrompts#jsonSchema()} where the
     *     model's options support it
     */
    public ChatTextGenerationModel(String name, ChatModel chatModel, boolean structuredOutput) {
        this.chatModel = Objects.requireNonNull(chatModel, "chatModel");
        String model = chatModel.getOptions().getModel();
        this.id = Objects.requireNonNull(name, "name") + ":" + chatModel.getClass().getSimpleName() + ":"
                + (model == null || model.isBlank() ? "default" : model) + (structuredOutput ? ":schema" : "");
        this.structuredOutput = structuredOutput;
    }

    /** The bean's name, the chat model's class and its default model name, and whether answers follow a schema. */
    @Override
    public String id() {
        return this.id;
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        ChatResponse response;
        try {
            response = this.chatModel.call(new Prompt(List.of(new UserMessage(request.prompt())),
                    options(request.temperature())));
        }
        catch (Distill4jException ex) {
            throw ex;
        }
        catch (RuntimeException ex) {
            throw ChatResponses.failure(this.id, ex);
        }
        return GenerationResult.of(GenerationPrompts.parseTexts(ChatResponses.text(response)),
                ChatResponses.usage(response));
    }

    /** The chat model's own options with the request's temperature and, where supported, the answer schema. */
    private ChatOptions options(double temperature) {
        ChatOptions defaults = this.chatModel.getOptions();
        ChatOptions.Builder<?> builder = this.structuredOutput && defaults instanceof StructuredOutputChatOptions
                structured ? structured.mutate().outputSchema(GenerationPrompts.jsonSchema()) : defaults.mutate();
        return builder.temperature(temperature).build();
    }
}
