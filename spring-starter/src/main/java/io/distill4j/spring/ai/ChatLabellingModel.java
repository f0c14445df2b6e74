package io.distill4j.spring.ai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.labelling.AnswerLogProbabilities;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingPrompts;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.LabellingResult;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;

/**
 * Any Spring AI {@link ChatModel} as a {@link LabellingModel}: each text's prompt is
 * {@linkplain LabellingRequest#prompt(int) rendered} from the request's template and sent as one user message;
 * the answer is read with {@link LabellingPrompts#parseAnswer}.
 *
 * <ul>
 * <li><b>Structured output.</b> When the model's options support it ({@link StructuredOutputChatOptions}: OpenAI
 *     and compatible servers, among others) and it is not turned off, the answer is constrained to
 *     {@link LabellingPrompts#jsonSchema the label set's JSON schema}; otherwise the prompt alone asks for it.</li>
 * <li><b>Soft targets.</b> Spring AI's {@code ChatResponse} does not carry the provider's token
 *     log-probabilities (its OpenAI client 2.0.1 asks for them but drops them from the response). Given a
 *     {@link LogProbabilityChat} for the same model (the starter makes one for each {@code OpenAiChatModel}) and
 *     options that ask for them ({@link LabellingOptions#logProbabilities()}, the default), the first answer
 *     to each text is asked through it, and the distribution read from the answer's tokens by
 *     {@link AnswerLogProbabilities} ({@link TargetSource#LOG_PROBABILITIES}). Otherwise — or when the server
 *     returned none — with {@link LabellingOptions#samples()} {@code > 1} the share of each label among the
 *     sampled answers ({@link TargetSource#SAMPLES}), and with one sample the answer
 *     ({@link TargetSource#SINGLE_ANSWER}).</li>
 * <li><b>Out-of-set answers.</b> An answer that names no label is followed up in the same conversation ("that is
 *     not one of the labels, answer with one of ...") until {@link LabellingOptions#attempts()} tries per
 *     answer; a text with no answer in the set is {@link LabelledText#unanswered}.</li>
 * <li><b>Failures.</b> Errors the provider would answer differently later — HTTP 408, 409, 429 and 5xx,
 *     timeouts and I/O errors — become {@link TransientException}s, for the distiller to retry; the rest
 *     {@link InferenceFailedException}. The status is read from the exception's {@code statusCode()} (the
 *     OpenAI SDK) or {@code getStatusCode()} (Spring's HTTP clients) by reflection, so no provider library is
 *     needed here. A client's own retries (the OpenAI SDK retries twice by default) happen below this and
 *     count as one request.</li>
 * </ul>
 *
 * <p>Thread-safe when the chat model is (Spring AI's are). Holds no resource of its own.
 */
public final class ChatLabellingModel implements LabellingModel {

    private final String id;

    private final ChatModel chatModel;

    private final boolean structuredOutput;

    private final LogProbabilityChat logProbabilities;

    /**
     * @param name the name the distiller knows the model by (the bean's name)
     * @param chatModel the model
     * @param structuredOutput whether to constrain answers to the label set's JSON schema where the model's options
     *     support it
     */
    public ChatLabellingModel(String name, ChatModel chatModel, boolean structuredOutput) {
        this(name, chatModel, structuredOutput, null);
    }

    /**
     * @param name the name the distiller knows the model by (the bean's name)
     * @param chatModel the model
     * @param structuredOutput whether to constrain answers to the label set's JSON schema where the model's options
     *     support it
     * @param logProbabilities the same model through a client that returns token log-probabilities, or
     *     {@code null}; used for the first answer to each text when the request's options ask for them. The
     *     caller owns it and closes it.
     */
    public ChatLabellingModel(String name, ChatModel chatModel, boolean structuredOutput,
            LogProbabilityChat logProbabilities) {
        this.chatModel = Objects.requireNonNull(chatModel, "chatModel");
        String model = chatModel.getOptions().getModel();
        this.id = Objects.requireNonNull(name, "name") + ":" + chatModel.getClass().getSimpleName() + ":"
                + (model == null || model.isBlank() ? "default" : model) + (structuredOutput ? ":schema" : "")
                + (logProbabilities != null ? ":logprobs" : "");
        this.structuredOutput = structuredOutput;
        this.logProbabilities = logProbabilities;
    }

    /**
     * The bean's name, the chat model's class and its default model name, whether answers follow a schema, and
     * whether log-probabilities can be read.
     */
    @Override
    public String id() {
        return this.id;
    }

    @Override
    public LabellingResult label(LabellingRequest request) {
        ChatOptions options = options(request.labels(), request.options());
        List<LabelledText> answers = new ArrayList<>(request.texts().size());
        for (int i = 0; i < request.texts().size(); i++) {
            answers.add(labelOne(request.prompt(i), request.labels(), request.options(), options));
        }
        return new LabellingResult(answers);
    }

    private LabelledText labelOne(String prompt, LabelSet labels, LabellingOptions settings, ChatOptions options) {
        int[] counts = new int[labels.size()];
        int valid = 0;
        int outOfSet = 0;
        LabellingUsage usage = LabellingUsage.ZERO;
        for (int sample = 0; sample < settings.samples(); sample++) {
            boolean withLogProbabilities = sample == 0 && settings.logProbabilities() && this.logProbabilities != null;
            List<Message> conversation = new ArrayList<>(List.of(new UserMessage(prompt)));
            for (int attempt = 0; attempt < settings.attempts(); attempt++) {
                Answer answer = withLogProbabilities ? askWithLogProbabilities(conversation, options)
                        : ask(conversation, options);
                usage = usage.plus(answer.usage());
                OptionalInt label = LabellingPrompts.parseAnswer(answer.text(), labels);
                if (label.isPresent()) {
                    Optional<List<Double>> distribution = AnswerLogProbabilities.distribution(answer.text(),
                            answer.tokens(), labels);
                    if (distribution.isPresent()) {
                        return LabelledText.of(distribution.get(), TargetSource.LOG_PROBABILITIES, outOfSet, usage);
                    }
                    counts[label.getAsInt()]++;
                    valid++;
                    break;
                }
                outOfSet++;
                conversation.add(new AssistantMessage(answer.text() == null ? "" : answer.text()));
                conversation.add(new UserMessage("That is not one of the labels. Answer with only a JSON object "
                        + "{\"label\": \"<label>\"}, where <label> is exactly one of: " + String.join(", ",
                                labels.names())));
            }
        }
        if (valid == 0) {
            return LabelledText.unanswered(outOfSet, usage);
        }
        List<Double> probabilities = new ArrayList<>(counts.length);
        for (int count : counts) {
            probabilities.add((double) count / valid);
        }
        return LabelledText.of(probabilities, settings.samples() > 1 ? TargetSource.SAMPLES
                : TargetSource.SINGLE_ANSWER, outOfSet, usage);
    }

    /** One answer's text, its tokens' log-probabilities when known (else none), and what it cost. */
    private record Answer(String text, List<AnswerLogProbabilities.Token> tokens, LabellingUsage usage) {
    }

    private Answer ask(List<Message> conversation, ChatOptions options) {
        ChatResponse response = call(() -> this.chatModel.call(new Prompt(conversation, options)));
        return new Answer(ChatResponses.text(response), List.of(), ChatResponses.usage(response));
    }

    private Answer askWithLogProbabilities(List<Message> conversation, ChatOptions options) {
        LogProbabilityChat.Completion completion = call(() -> this.logProbabilities.complete(conversation, options,
                AnswerLogProbabilities.MAX_ALTERNATIVES));
        return new Answer(completion.text(), completion.tokens(), completion.usage());
    }

    /** The chat model's own options with the request's temperature and, where supported, the answer schema. */
    private ChatOptions options(LabelSet labels, LabellingOptions settings) {
        ChatOptions defaults = this.chatModel.getOptions();
        ChatOptions.Builder<?> builder = this.structuredOutput && defaults instanceof StructuredOutputChatOptions
                structured ? structured.mutate().outputSchema(LabellingPrompts.jsonSchema(labels)) : defaults.mutate();
        return builder.temperature(settings.temperature()).build();
    }

    private <T> T call(Supplier<T> request) {
        try {
            return request.get();
        }
        catch (Distill4jException ex) {
            throw ex;
        }
        catch (RuntimeException ex) {
            throw ChatResponses.failure(this.id, ex);
        }
    }
}
