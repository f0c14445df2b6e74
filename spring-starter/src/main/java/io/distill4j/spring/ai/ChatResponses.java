package io.distill4j.spring.ai;

import java.lang.reflect.Method;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.labelling.LabellingUsage;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * What the chat-model adapters read from a {@link ChatResponse} and how they type a chat model's failure, in one
 * place so that labelling and generation agree. The HTTP status is read from the exception's
 * {@code statusCode()} (the OpenAI SDK) or {@code getStatusCode()} (Spring's HTTP clients) by reflection, so no
 * provider library is needed here.
 */
final class ChatResponses {

    private ChatResponses() {
    }

    /** The first generation's text, or {@code null}. */
    static String text(ChatResponse response) {
        Generation generation = response == null ? null : response.getResult();
        return generation == null ? null : generation.getOutput().getText();
    }

    /** One request and the tokens the response reports (0 where it reports none). */
    static LabellingUsage usage(ChatResponse response) {
        Usage usage = response == null ? null : response.getMetadata().getUsage();
        if (usage == null) {
            return new LabellingUsage(1, 0, 0);
        }
        return new LabellingUsage(1, nonNegative(usage.getPromptTokens()), nonNegative(usage.getCompletionTokens()));
    }

    private static long nonNegative(Integer value) {
        return value == null || value < 0 ? 0 : value;
    }

    /**
     * {@code ex} from a chat model as a transient or a lasting failure of model {@code modelId}: HTTP 429 →
     * {@link ErrorCode#OVERLOADED}, 408 and 504 → {@link ErrorCode#TIMEOUT}, 409 and other 5xx →
     * {@link ErrorCode#UNAVAILABLE}, timeouts and I/O errors in the cause chain transient too; the rest an
     * {@link InferenceFailedException}.
     */
    static Distill4jException failure(String modelId, RuntimeException ex) {
        String message = "chat model call failed: " + ex.getMessage();
        for (Throwable cause = ex; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            OptionalInt status = status(cause);
            if (status.isPresent()) {
                int code = status.getAsInt();
                if (code == 429) {
                    return new TransientException(ErrorCode.OVERLOADED, modelId, "HTTP 429 (rate limited): " + message,
                            ex);
                }
                if (code == 408 || code == 504) {
                    return new TransientException(ErrorCode.TIMEOUT, modelId, "HTTP " + code + ": " + message, ex);
                }
                if (code == 409 || code >= 500) {
                    return new TransientException(ErrorCode.UNAVAILABLE, modelId, "HTTP " + code + ": " + message, ex);
                }
                return new InferenceFailedException(modelId, "HTTP " + code + ": " + message, ex);
            }
            if (cause instanceof TimeoutException || cause instanceof java.net.SocketTimeoutException) {
                return new TransientException(ErrorCode.TIMEOUT, modelId, message, ex);
            }
            if (cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException
                    || cause.getClass().getSimpleName().equals("TransientAiException")
                    || cause.getClass().getSimpleName().endsWith("IoException")) {
                return new TransientException(ErrorCode.UNAVAILABLE, modelId, message, ex);
            }
        }
        return new InferenceFailedException(modelId, message, ex);
    }

    /** The HTTP status an exception carries: {@code statusCode()} (OpenAI SDK) or {@code getStatusCode()}. */
    private static OptionalInt status(Throwable error) {
        for (String name : new String[] { "statusCode", "getStatusCode" }) {
            try {
                Method method = error.getClass().getMethod(name);
                Object value = method.invoke(error);
                if (value instanceof Integer code) {
                    return OptionalInt.of(code);
                }
                if (value != null) {
                    Method valueMethod = value.getClass().getMethod("value");
                    if (valueMethod.invoke(value) instanceof Integer code) {
                        return OptionalInt.of(code);
                    }
                }
            }
            catch (ReflectiveOperationException | RuntimeException ignored) {
                // Not this kind of exception.
            }
        }
        return OptionalInt.empty();
    }
}
