package io.distill4j.spring.ai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.CompletionUsage;
import io.micrometer.observation.ObservationRegistry;

import io.distill4j.api.labelling.AnswerLogProbabilities;
import io.distill4j.api.labelling.LabellingUsage;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.setup.OpenAiSetup;

/**
 * {@link LogProbabilityChat} on the OpenAI Java SDK's client, which Spring AI's OpenAI module is built on: the
 * same chat-completions request an {@link OpenAiChatModel} sends ({@code response_format} with the label set's
 * JSON schema, the temperature), with {@code logprobs: true} and {@code top_logprobs}; the answer's
 * {@code logprobs.content} is returned as tokens. Works with OpenAI and with OpenAI-compatible servers that
 * return log-probabilities (vLLM, llama.cpp's server); one that returns none gives an empty token list.
 *
 * <p>Owns its client (OkHttp connections and threads): {@link #close()} releases them, idempotently.
 */
public final class OpenAiLogProbabilityChat implements LogProbabilityChat {

    private final OpenAIClient client;

    private final String model;

    private final AtomicBoolean closed = new AtomicBoolean();

    OpenAiLogProbabilityChat(OpenAIClient client, String model) {
        this.client = client;
        this.model = model;
    }

    /**
     * A client made from {@code chatModel}'s options as its own is: base URL, key or credential, organisation,
     * Microsoft Foundry and GitHub Models settings, timeout, retries, proxy and headers. HTTP client customizers
     * given to the chat model's builder are not carried over.
     */
    public static OpenAiLogProbabilityChat of(OpenAiChatModel chatModel) {
        OpenAiChatOptions options = chatModel.getOptions();
        OpenAIClient client = OpenAiSetup.setupSyncClient(options.getBaseUrl(), options.getApiKey(),
                options.getCredential(), options.getMicrosoftDeploymentName(),
                options.getMicrosoftFoundryServiceVersion(), options.getOrganizationId(), options.isMicrosoftFoundry(),
                options.isGitHubModels(), options.getModel(), options.getTimeout(), options.getMaxRetries(),
                options.getProxy(), options.getCustomHeaders(), ObservationRegistry.NOOP, null, List.of());
        return new OpenAiLogProbabilityChat(client, options.getModel());
    }

    @Override
    public Completion complete(List<Message> conversation, ChatOptions options, int alternatives) {
        if (this.closed.get()) {
            throw new IllegalStateException("OpenAiLogProbabilityChat is closed");
        }
        ChatCompletionCreateParams.Builder request = ChatCompletionCreateParams.builder()
                .model(options.getModel() != null ? options.getModel() : this.model)
                .logprobs(true)
                .topLogprobs(alternatives);
        if (options.getTemperature() != null) {
            request.temperature(options.getTemperature());
        }
        for (Message message : conversation) {
            if (message.getMessageType() == MessageType.ASSISTANT) {
                request.addAssistantMessage(message.getText() == null ? "" : message.getText());
            }
            else {
                request.addUserMessage(message.getText() == null ? "" : message.getText());
            }
        }
        if (options instanceof StructuredOutputChatOptions structured && structured.getOutputSchema() != null) {
            request.responseFormat(responseFormat(structured.getOutputSchema()));
        }
        ChatCompletion completion = this.client.chat().completions().create(request.build());
        LabellingUsage usage = completion.usage().map(OpenAiLogProbabilityChat::usage)
                .orElse(new LabellingUsage(1, 0, 0));
        if (completion.choices().isEmpty()) {
            return new Completion(null, List.of(), usage);
        }
        ChatCompletion.Choice choice = completion.choices().get(0);
        List<AnswerLogProbabilities.Token> tokens = choice.logprobs().flatMap(ChatCompletion.Choice.Logprobs::content)
                .map(OpenAiLogProbabilityChat::tokens).orElse(List.of());
        return new Completion(choice.message().content().orElse(null), tokens, usage);
    }

    @SuppressWarnings("unchecked")
    private static ResponseFormatJsonSchema responseFormat(String schema) {
        Map<String, Object> parsed;
        try {
            parsed = ObjectMappers.jsonMapper().readValue(schema, Map.class);
        }
        catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("the answer schema is not a JSON object: " + schema, ex);
        }
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        parsed.forEach((key, value) -> body.putAdditionalProperty(key, JsonValue.from(value)));
        return ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("label").strict(true).schema(body.build()).build()).build();
    }

    private static List<AnswerLogProbabilities.Token> tokens(List<ChatCompletionTokenLogprob> content) {
        List<AnswerLogProbabilities.Token> tokens = new ArrayList<>(content.size());
        for (ChatCompletionTokenLogprob token : content) {
            Map<String, Double> alternatives = new LinkedHashMap<>();
            token.topLogprobs().forEach(top -> alternatives.putIfAbsent(top.token(), top.logprob()));
            tokens.add(new AnswerLogProbabilities.Token(token.token(), token.logprob(), alternatives));
        }
        return tokens;
    }

    private static LabellingUsage usage(CompletionUsage usage) {
        return new LabellingUsage(1, Math.max(0, usage.promptTokens()), Math.max(0, usage.completionTokens()));
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.client.close();
        }
    }

    /** {@code chatModel} as a log-probability chat when it is Spring AI's OpenAI model; call only with it present. */
    static Optional<LogProbabilityChat> forModel(Object chatModel) {
        return chatModel instanceof OpenAiChatModel openAi ? Optional.of(of(openAi)) : Optional.empty();
    }
}
