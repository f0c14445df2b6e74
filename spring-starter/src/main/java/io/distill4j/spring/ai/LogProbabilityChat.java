package io.distill4j.spring.ai;

import java.util.List;
import java.util.Objects;

import io.distill4j.api.labelling.AnswerLogProbabilities;
import io.distill4j.api.labelling.LabellingUsage;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * A chat completion that also returns the answer's token log-probabilities — for providers whose Spring AI
 * {@code ChatModel} asks for them but does not put them in its {@code ChatResponse} (OpenAI's, 2.0.1).
 * {@link ChatLabellingModel} uses one, when it has one, for the first answer to each text.
 *
 * <p>Implementations are thread-safe; failures surface as the provider client's exceptions, which
 * {@link ChatLabellingModel} translates as it does its chat model's.
 */
public interface LogProbabilityChat extends AutoCloseable {

    /**
     * One answer to {@code conversation} (user and assistant messages) under {@code options}: the model, the
     * temperature and, when the options are {@code StructuredOutputChatOptions} with a schema, the answer's
     * JSON schema.
     *
     * @param alternatives the most likely tokens to return at each position, 0 to
     *     {@value AnswerLogProbabilities#MAX_ALTERNATIVES}
     */
    Completion complete(List<Message> conversation, ChatOptions options, int alternatives);

    /** Releases the client's connections and threads, if it owns any; idempotent. */
    @Override
    void close();

    /**
     * The answer.
     *
     * @param text the assistant message's text, {@code null} when it had none
     * @param tokens the answer's tokens with their log-probabilities; empty when the server returned none
     * @param usage one request and its tokens
     */
    record Completion(String text, List<AnswerLogProbabilities.Token> tokens, LabellingUsage usage) {

        public Completion {
            tokens = List.copyOf(tokens);
            Objects.requireNonNull(usage, "usage");
        }
    }
}
