package io.distill4j.api.generation;

/**
 * A model that writes texts — in practice a large language model behind some provider's API. Given a
 * {@link GenerationRequest} (one prompt asking for texts of one label, and a sampling temperature) it answers
 * with the texts it wrote and what that cost. The pipeline's data generator uses one to make training data;
 * the Spring Boot starter adapts every Spring AI {@code ChatModel} bean to this interface.
 *
 * <pre>{@code
 * GenerationResult result = model.generate(GenerationRequest.of("refund",
 *         GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, label, 10, 1), 10, 0.9));
 * }</pre>
 *
 * <p><b>Contract.</b>
 * <ul>
 * <li>Thread-safe: the generator calls it from several threads at once, one request per call, and bounds the
 *     concurrency, the request and token rates and the budget itself.</li>
 * <li>The request's {@link GenerationRequest#prompt() prompt} is sent as it is, at the request's temperature;
 *     the generator caches answers by model {@link #id()}, temperature and prompt, so nothing else may change
 *     what is asked.</li>
 * <li>The answer is split into texts with {@link GenerationPrompts#parseTexts}, the one reading of answers;
 *     an answer with no text in it is an empty list, not an error. The count asked for is a request to the
 *     model, not a promise: fewer or more texts are returned as they came.</li>
 * <li>Failures a later try may overcome — the provider's rate limit (HTTP 429), its server errors (5xx),
 *     timeouts, a dropped connection — are thrown as {@link io.distill4j.api.exception.TransientException}
 *     and retried by the generator with back-off; anything else (a refused key, a bad request) as another
 *     {@link io.distill4j.api.exception.Distill4jException}, which fails the generation.</li>
 * <li>Nothing is cached or retried here: the caller owns both.</li>
 * </ul>
 */
public interface TextGenerationModel {

    /**
     * What determines the answers besides the request: provider and model name (and version where the
     * provider has one), e.g. {@code openai:gpt-4o-mini}. Cached answers are keyed by it; a different id
     * never reads another model's answers.
     */
    String id();

    /**
     * Writes the texts the request's prompt asks for.
     *
     * @throws io.distill4j.api.exception.TransientException when a retry may succeed
     * @throws io.distill4j.api.exception.Distill4jException when it will not
     */
    GenerationResult generate(GenerationRequest request);
}
