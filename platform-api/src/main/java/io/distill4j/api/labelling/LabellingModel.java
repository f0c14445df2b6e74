package io.distill4j.api.labelling;

/**
 * A model that labels texts — in practice a large language model behind some provider's API. Given texts, a
 * {@link LabelSet} and {@link LabellingOptions}, it answers with a distribution over the labels per text and
 * what that cost. The distiller uses one as a teacher ({@code TeacherSpec.llm}); the Spring Boot starter
 * adapts every Spring AI {@code ChatModel} bean to this interface.
 *
 * <pre>{@code
 * LabellingResult result = model.label(LabellingRequest.of("Where is my card?", LabelSet.of("card", "refund"),
 *         LabellingOptions.ofDefaults()));
 * }</pre>
 *
 * <p><b>Contract.</b>
 * <ul>
 * <li>Thread-safe: the distiller calls it from several threads at once, each request with one text, and
 *     bounds the concurrency, the request and token rates and the budget itself.</li>
 * <li>One {@link LabelledText} per text, in order. Every prompt is
 *     {@link LabellingRequest#prompt(int) rendered} from the options' template, so the same request always
 *     sends the same prompt (the distiller caches answers by model, options and prompt).</li>
 * <li>An answer that names no label of the set is asked again up to {@link LabellingOptions#attempts()}
 *     times in all, then reported as {@link LabelledText#unanswered}; it is never mapped to a label by
 *     guesswork.</li>
 * <li>Failures a later try may overcome — the provider's rate limit (HTTP 429), its server errors (5xx),
 *     timeouts, a dropped connection — are thrown as {@link io.distill4j.api.exception.TransientException}
 *     and retried by the distiller with back-off; anything else (a refused key, a bad request) as another
 *     {@link io.distill4j.api.exception.Distill4jException}, which fails the job.</li>
 * <li>Nothing is cached or retried here beyond the out-of-set attempts: the caller owns both.</li>
 * </ul>
 */
public interface LabellingModel {

    /**
     * What determines the answers besides the request: provider and model name (and version where the
     * provider has one), e.g. {@code openai:gpt-4o-mini}. Cached answers are keyed by it; a different id
     * never reads another model's answers.
     */
    String id();

    /**
     * Labels the request's texts.
     *
     * @throws io.distill4j.api.exception.TransientException when a retry may succeed
     * @throws io.distill4j.api.exception.Distill4jException when it will not
     */
    LabellingResult label(LabellingRequest request);
}
